// Copies the used blobs of mostly-garbage packs into new packs. Blobs are self-contained envelopes,
// so they move byte for byte (no re-encryption), but each is opened and checked against its chunk
// id first: a damaged blob is never copied into a pack that would outlive the evidence.
import type { Repository } from '../repository.ts';
import type { RepoIndex } from '../index/repo-index.ts';
import type { IndexedPack } from '../index/index-segment.ts';
import { PackBuilder, readTrailer, sha256Hex } from '../pack/pack.ts';
import { openBlob } from '../pack/blob.ts';
import { corrupt } from '../errors.ts';

export interface RepackResult {
  packs: IndexedPack[];
  storedBytes: number;
}

export async function repackPacks(repo: Repository, index: RepoIndex, packs: readonly number[], used: Uint8Array): Promise<RepackResult> {
  const wanted = new Map<number, Set<number>>(packs.map((n) => [n, new Set()]));
  index.table.forEach((slot, at) => { if (used[slot] === 1) wanted.get(at.pack)?.add(at.offset); });
  const result: RepackResult = { packs: [], storedBytes: 0 };
  let builder = new PackBuilder();
  const upload = async (): Promise<void> => {
    if (builder.count === 0) return;
    const pack = builder.finish(repo.secrets.objectRoot);
    builder = new PackBuilder();
    await repo.store.writeParts('packs', pack.id, pack.parts);
    result.packs.push({ id: pack.id, size: pack.size, entries: pack.entries });
    result.storedBytes += pack.size;
  };
  for (const n of packs) {
    const id = index.packIds[n]!;
    const name = repo.store.name('packs', id);
    // Ours alone (a backend's get never keeps it): viewed as a Buffer, not copied.
    const read = await repo.backend.get(name);
    const bytes = Buffer.from(read.buffer, read.byteOffset, read.byteLength);
    let entries;
    try {
      if (sha256Hex(bytes) !== id) throw new Error('content hash does not match its name');
      entries = readTrailer(repo.secrets.objectRoot, bytes);
    } catch (error) {
      throw corrupt(name, `cannot repack: ${(error as Error).message}`, [], 'run check with readData; prune stops before deleting anything');
    }
    const offsets = wanted.get(n)!;
    let copied = 0;
    for (const entry of entries) {
      if (!offsets.has(entry.offset)) continue;
      copied += 1;
      const sealed = bytes.subarray(entry.offset, entry.offset + entry.length);
      try {
        openBlob(repo.secrets, sealed, entry.id, entry.rawLength);
      } catch (error) {
        throw corrupt(name, `cannot repack blob at ${entry.offset}: ${(error as Error).message}`, [], 'run check with readData; prune stops before deleting anything');
      }
      if (builder.count > 0 && builder.size + sealed.length > repo.params.packSize) await upload();
      builder.add(entry.id, Buffer.from(sealed), entry.rawLength);
    }
    if (copied !== offsets.size) throw corrupt(name, `index lists ${offsets.size} used blobs, the trailer ${copied}`, [], 'prune stops before deleting anything');
  }
  await upload();
  return result;
}
