// Content verification of one pack for check --read-data: the bytes hash to the pack's name, the
// trailer opens and agrees with the index, and every blob opens and matches its chunk id.
import type { Repository } from '../repository.ts';
import { readTrailer, sha256Hex } from '../pack/pack.ts';
import { openBlob } from '../pack/blob.ts';
import { release, releaseBacking } from '../../core/release.ts';

export interface PackVerdict {
  /** Problems as sentences (empty = the pack is sound). */
  problems: string[];
  /** Offsets of blobs that failed, so affected backup points can be found. */
  badOffsets: number[];
  blobs: number;
  bytes: number;
}

export interface IndexedBlob {
  offset: number;
  length: number;
}

/** `indexed`: the index's entries for this pack (what restore would read). */
export async function verifyPack(repo: Repository, packId: string, indexed: IndexedBlob[]): Promise<PackVerdict> {
  // The read is ours (a backend's get never keeps it): viewed as a Buffer, not copied (a 32 MiB pack).
  const read = await repo.backend.get(repo.store.name('packs', packId));
  const bytes = Buffer.from(read.buffer, read.byteOffset, read.byteLength);
  const verdict: PackVerdict = { problems: [], badOffsets: [], blobs: 0, bytes: bytes.length };
  if (sha256Hex(bytes) !== packId) verdict.problems.push('content hash does not match its name');
  // Each indexed blob is opened with its full chunk id, which only the trailer holds (the index
  // table keeps 16-byte prefixes).
  indexed.sort((a, b) => a.offset - b.offset);
  let trailer: ReturnType<typeof readTrailer> | undefined;
  try {
    trailer = readTrailer(repo.secrets.objectRoot, bytes);
  } catch (error) {
    verdict.problems.push(`trailer cannot be read: ${(error as Error).message}`);
  }
  const byOffset = new Map((trailer ?? []).map((e) => [e.offset, e]));
  for (const blob of indexed) {
    verdict.blobs += 1;
    const entry = byOffset.get(blob.offset);
    if (entry === undefined || entry.length !== blob.length) {
      if (trailer !== undefined) verdict.problems.push(`index entry at ${blob.offset}+${blob.length} is not in the pack's trailer`);
      verdict.badOffsets.push(blob.offset);
      continue;
    }
    try {
      // Checked and dead: freed now, not at a collection (a pack opens to ~64 MiB of chunks).
      releaseBacking(openBlob(repo.secrets, bytes.subarray(blob.offset, blob.offset + blob.length), entry.id, entry.rawLength));
    } catch (error) {
      verdict.problems.push(`blob at ${blob.offset}: ${(error as Error).message}`);
      verdict.badOffsets.push(blob.offset);
    }
  }
  release(read);
  return verdict;
}
