// restoreStream: a backup point's stream, in order. Reads manifest → index → packs (the reverse of
// the write order). Consecutive chunks stored back to back in one pack are fetched with one ranged
// GET of up to 16 MiB from S3 (a full backup is mostly laid out that way, and B2 bills per GET; 1 MiB
// from a local repository, where a read costs nothing but memory: about a blob a read); two such
// reads run ahead. Every blob is authenticated, decompressed to its recorded size and checked
// against its chunk id; the whole stream against its SHA-256 at the end.
//
// From a remote store a read is a stream, cut into its blobs as the bytes arrive: the reads ahead
// are requests started and read no further than their first bytes (the rest waits in the socket,
// the kernel's memory, not ours), so a read costs its blobs in flight rather than its 16 MiB. Held
// whole, three 16 MiB reads and their copies peaked a restore from S3 at 237 MiB (BENCHMARK.md).
//
// Memory: every buffer is freed the moment it is dead (core/release.ts), the read once its blobs are
// decrypted, the decrypted frame once decompressed, and the chunk by the consumer once written
// (writeReleased): left to V8, dead buffers piled up to ~64 MiB between collections.
//
// A pipeline, so the stages overlap: reads run ahead of opening, and several blobs open at once on
// the libuv thread pool (openBlobAsync) while this thread hands the previous chunk on (to btrfs
// receive's stdin). Chunks still come out in order, and a damaged one stops the stream where it is.
import { createHash } from 'node:crypto';
import type { Repository } from '../repository.ts';
import type { Manifest } from '../manifest/manifest.ts';
import { chunkCount, chunkRef } from '../manifest/manifest.ts';
import { openBlobAsync } from '../pack/blob.ts';
import { inOrder } from './in-order.ts';
import type { RepoIndex } from '../index/repo-index.ts';
import { corrupt, interrupted } from '../errors.ts';
import { release } from '../../core/release.ts';

export interface RestoreOptions {
  signal?: AbortSignal;
  /** Largest single ranged read. Default 16 MiB from S3 (billed per GET), 1 MiB otherwise (memory). */
  maxRequestBytes?: number;
  /** Reads running ahead of the consumer. Default 2. */
  readAhead?: number;
  /** Blobs being opened or held by the consumer at once (memory: this many chunks). Default 4. */
  openAhead?: number;
  /**
   * The same blobs' bytes (stored + restored size) may not pass this, so a run of 8 MiB chunks does
   * not hold four of them; one blob is always opened beside the one held. Default 24 MiB.
   */
  openAheadBytes?: number;
}

interface Sealed { run: Run; chunk: Run['chunks'][number]; bytes: Uint8Array }

interface StartedRun {
  run: Run;
  /** The pack's object name. */
  name: string;
  pieces: AsyncIterator<Uint8Array>;
  first: Promise<IteratorResult<Uint8Array>>;
}

interface Run {
  packId: string;
  offset: number;
  length: number;
  /** Indexes into the manifest's chunk table, with each blob's place in the read. */
  chunks: Array<{ i: number; at: number; length: number }>;
}

// Checked before the first byte is yielded, so a consumer such as btrfs receive is not fed half a
// stream that was bound to fail.
function assertAllIndexed(manifest: Manifest, index: RepoIndex, manifestId: string): void {
  const n = chunkCount(manifest);
  let missing = 0;
  let first = -1;
  for (let i = 0; i < n; i++) {
    if (!index.has(chunkRef(manifest, i).id)) { missing += 1; if (first < 0) first = i; }
  }
  if (missing === 0) return;
  const segments = index.damaged.map((d) => d.object);
  const why = segments.length === 0 ? 'no index segment lists them' : `they may have been in damaged index segment(s) ${segments.join(', ')}`;
  throw corrupt(`${manifest.head.host}/manifests/${manifestId}`, `${missing} of ${n} chunks (first: chunk ${first}) are not in the index: ${why}`, [manifestId],
    'panther backup repair-index rebuilds the index from the pack trailers; then restore again (panther backup check says what else is damaged)');
}

function* planRuns(manifest: Manifest, index: RepoIndex, maxBytes: number): Generator<Run> {
  let run: Run | undefined;
  const n = chunkCount(manifest);
  for (let i = 0; i < n; i++) {
    const where = index.lookup(chunkRef(manifest, i).id);
    if (where === undefined) throw new Error(`chunk ${i} vanished from the index`);
    const contiguous = run !== undefined && run.packId === where.packId && run.offset + run.length === where.offset
      && run.length + where.length <= maxBytes;
    if (!contiguous) {
      if (run !== undefined) yield run;
      run = { packId: where.packId, offset: where.offset, length: 0, chunks: [] };
    }
    run!.chunks.push({ i, at: run!.length, length: where.length });
    run!.length += where.length;
  }
  if (run !== undefined) yield run;
}

export async function* restoreStream(repo: Repository, manifestId: string, options: RestoreOptions = {}): AsyncGenerator<Buffer> {
  const manifest = await repo.manifests.read(manifestId);
  const index = await repo.index();
  const manifestName = `${repo.host}/manifests/${manifestId}`;
  // A local read costs nothing per request, and its bytes sit in memory until opened: smaller there.
  const maxBytes = options.maxRequestBytes ?? (repo.backend.properties.kind === 's3' ? 16 : 1) * 1024 * 1024;
  const missing = (name: string) => (error: unknown): never => {
    if ((error as { code?: string }).code === 'object-not-found') throw corrupt(name, 'pack is missing', [manifestId]);
    throw error;
  };
  const truncated = (name: string, run: Run, got: number) => corrupt(name, `read ${got} bytes at ${run.offset}, index says ${run.length}: pack is truncated`, [manifestId]);
  const fetchRun = async (run: Run): Promise<Uint8Array> => {
    const name = repo.store.name('packs', run.packId);
    const bytes = await repo.backend.get(name, { offset: run.offset, length: run.length }).catch(missing(name));
    if (bytes.length !== run.length) throw truncated(name, run, bytes.length);
    return bytes;
  };
  // A run's bytes as they arrive, the request sent at once: the first piece is asked for now.
  const startRun = (run: Run): StartedRun => {
    const name = repo.store.name('packs', run.packId);
    const pieces = repo.backend.getStream(name, { offset: run.offset, length: run.length })[Symbol.asyncIterator]();
    const first = pieces.next().catch(missing(name));
    first.catch(() => undefined);
    return { run, name, pieces, first };
  };
  assertAllIndexed(manifest, index, manifestId);
  const runs = planRuns(manifest, index, maxBytes);
  const readAhead = options.readAhead ?? 2;
  // Each blob of a started run in a buffer of its own, cut from the bytes as they come.
  async function* cutBlobs({ run, name, pieces, first }: StartedRun): AsyncGenerator<Sealed> {
    let k = 0;
    let blob = Buffer.allocUnsafe(run.chunks[0]!.length);
    let filled = 0;
    let got = 0;
    for (let next = await first; next.done !== true; next = await pieces.next().catch(missing(name))) {
      let piece = next.value;
      got += piece.length;
      while (piece.length > 0) {
        if (k === run.chunks.length) throw corrupt(name, `read more than the ${run.length} bytes asked for at ${run.offset}`, [manifestId]);
        const take = Math.min(piece.length, blob.length - filled);
        blob.set(piece.subarray(0, take), filled);
        filled += take;
        piece = piece.subarray(take);
        if (filled < blob.length) continue;
        yield { run, chunk: run.chunks[k]!, bytes: blob };
        k += 1;
        if (k < run.chunks.length) { blob = Buffer.allocUnsafe(run.chunks[k]!.length); filled = 0; }
      }
    }
    if (k < run.chunks.length) throw truncated(name, run, got);
  }
  // From a remote store: the run being cut and `readAhead` more, started.
  async function* streamedBlobs(): AsyncGenerator<Sealed> {
    const started: StartedRun[] = [];
    const fill = (): void => {
      while (started.length <= readAhead) {
        const next = runs.next();
        if (next.done === true) return;
        started.push(startRun(next.value));
      }
    };
    try {
      fill();
      while (started.length > 0) {
        yield* cutBlobs(started[0]!);
        started.shift();
        fill();
      }
    } finally {
      // A restore that stopped early (a damaged blob, the consumer gone) closes the requests it started.
      for (const s of started) void s.pieces.return?.().catch(() => undefined);
    }
  }
  // The sealed blobs in stream order, each run's read started `readAhead` runs before it is needed.
  async function* sealedBlobs(): AsyncGenerator<Sealed> {
    const ahead: Array<{ run: Run; bytes: Promise<Uint8Array> }> = [];
    const fill = (): void => {
      while (ahead.length < readAhead) {
        const next = runs.next();
        if (next.done === true) return;
        const bytes = fetchRun(next.value);
        bytes.catch(() => undefined);
        ahead.push({ run: next.value, bytes });
      }
    };
    fill();
    while (ahead.length > 0) {
      const { run, bytes } = ahead.shift()!;
      const data = await bytes;
      fill();
      for (const chunk of run.chunks) yield { run, chunk, bytes: data.subarray(chunk.at, chunk.at + chunk.length) };
      // Resumed after the run's last blob was handed to `open`, which decrypts it before it returns
      // (openBlobAsync reads its input only until then): the read is dead, and freed now.
      release(data);
    }
  }
  const open = async ({ run, chunk, bytes }: Sealed): Promise<Buffer> => {
    const { id, rawLength } = chunkRef(manifest, chunk.i);
    try {
      return await openBlobAsync(repo.secrets, bytes, id, rawLength);
    } catch (error) {
      throw corrupt(repo.store.name('packs', run.packId), `blob at offset ${run.offset + chunk.at} (chunk ${chunk.i} of the stream): ${(error as Error).message}`, [manifestId]);
    } finally {
      // Decrypted (or refused): a blob cut into a buffer of its own is dead now. (A slice of a
      // whole read is left for the read's own release.)
      release(bytes);
    }
  };
  const whole = createHash('sha256');
  let size = 0;
  // Weighed by what an open holds: the decrypted frame and the chunk it decompresses to.
  const limits = { count: Math.max(1, options.openAhead ?? 4), weight: { of: (blob: Sealed) => blob.chunk.length + chunkRef(manifest, blob.chunk.i).rawLength, max: options.openAheadBytes ?? 24 * 1024 * 1024 } };
  const blobs = repo.backend.properties.remote ? streamedBlobs() : sealedBlobs();
  for await (const plain of inOrder(blobs, open, limits)) {
    if (options.signal?.aborted === true) throw interrupted('restore');
    whole.update(plain);
    size += plain.length;
    yield plain;
  }
  const digest = whole.digest('hex');
  if (size !== manifest.head.stream.size || digest !== manifest.head.stream.sha256) {
    throw corrupt(manifestName, `restored stream (${size} bytes, sha256 ${digest.slice(0, 12)}…) differs from the recorded one`, [manifestId]);
  }
}

/**
 * Bytes a restore of one point's stream reads from the backend: the stored (compressed, encrypted)
 * size of every chunk it references, once per reference, as restoreStream fetches them. What a
 * drill weighs against its download budget before it downloads anything; and the packs they are in.
 */
export async function restoreDownloadBytes(repo: Repository, manifestId: string): Promise<{ bytes: number; packs: string[] }> {
  const manifest = await repo.manifests.read(manifestId);
  const index = await repo.index();
  let bytes = 0;
  const packs = new Set<string>();
  for (let i = 0; i < chunkCount(manifest); i++) {
    const where = index.lookup(chunkRef(manifest, i).id);
    if (where === undefined) continue;
    bytes += where.length;
    packs.add(where.packId);
  }
  return { bytes, packs: [...packs] };
}
