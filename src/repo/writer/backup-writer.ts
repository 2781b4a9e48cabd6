// BackupWriter: one stream in, one backup point out. Chunks and hashes the stream (FastCDC, chunk
// ids, whole-stream SHA-256; chunk-thread.ts, a worker thread on request), skips chunks the index
// already has, compresses and seals the rest on the thread pool (a few in flight, order kept), packs
// and uploads them (pack-sink.ts), and writes the manifest last. Memory: one chunker window (max
// chunk), a few chunks being sealed, the packs pack-sink.ts holds (none for a local repository, two
// for a remote one), and 36 bytes per chunk of the stream for the manifest's chunk table.
import type { Repository } from '../repository.ts';
import { sealBlob } from '../pack/blob.ts';
import { HashedChunks } from './chunk-thread.ts';
import type { ChunkThreadOptions } from './chunk-thread.ts';
import { PackSink } from './pack-sink.ts';
import type { RepoIndex } from '../index/repo-index.ts';
import type { ManifestHead, SnapshotIdentity } from '../manifest/manifest.ts';
import { CHUNK_REF_BYTES, MANIFEST_FORMAT, MANIFEST_VERSION } from '../manifest/manifest.ts';
import { interrupted } from '../errors.ts';
import { TOOL } from '../tool.ts';
import { isObjectId } from '../names.ts';
import { PantherError } from '../../core/errors.ts';
import { release } from '../../core/release.ts';

export interface BackupMeta {
  subvolume: string;
  snapshot: SnapshotIdentity;
  /** Manifest id of the parent backup point of an incremental stream. */
  parent?: string | null;
  extra?: Record<string, unknown>;
}

export interface BackupProgress {
  /** Stream bytes read so far. */
  bytesRead: number;
  chunks: number;
  /** Stream bytes in chunks this run stores. */
  newBytes: number;
  newChunks: number;
  /** Stream bytes in chunks that were already stored. */
  dedupBytes: number;
  /** Bytes uploaded and durable (packs + index segments). */
  storedBytes: number;
  packsUploaded: number;
}

export interface BackupOptions {
  onProgress?: (progress: Readonly<BackupProgress>) => void;
  /** Abort at a chunk boundary; see flushOnAbort. */
  signal?: AbortSignal;
  /** On abort or a failing source, upload the pack being filled (and its index) before stopping. Default true. */
  flushOnAbort?: boolean;
  /** Chunks compressed and sealed at once on the thread pool. Default 3. */
  sealConcurrency?: number;
  tool?: { name: string; version: string };
  /** Where the stream is chunked and hashed (default: this thread; see ChunkThreadOptions). */
  chunking?: ChunkThreadOptions;
  /**
   * The source's buffers are the writer's once yielded (a child's stdout read by nobody else): each
   * is freed as soon as it is chunked instead of at V8's next collection (core/release.ts). Default false.
   */
  sourceOwned?: boolean;
}

export interface BackupResult {
  manifestId: string;
  head: ManifestHead;
  progress: BackupProgress;
  /** Per-pack index segments this run could not delete after merging them (harmless; prune compacts). */
  leftoverSegments: number;
}

class ChunkTable {
  readonly #parts: Buffer[] = [];
  #current = Buffer.allocUnsafe(CHUNK_REF_BYTES * 4096);
  #used = 0;
  count = 0;

  push(id: Buffer, rawLength: number): void {
    if (this.#used === this.#current.length) {
      this.#parts.push(this.#current);
      this.#current = Buffer.allocUnsafe(this.#current.length);
      this.#used = 0;
    }
    id.copy(this.#current, this.#used);
    this.#current.writeUInt32LE(rawLength, this.#used + 32);
    this.#used += CHUNK_REF_BYTES;
    this.count += 1;
  }

  bytes(): Buffer {
    return Buffer.concat([...this.#parts, this.#current.subarray(0, this.#used)]);
  }
}

export class BackupWriter {
  readonly #repo: Repository;
  readonly #meta: BackupMeta;
  readonly #options: BackupOptions;
  readonly progress: BackupProgress = { bytesRead: 0, chunks: 0, newBytes: 0, newChunks: 0, dedupBytes: 0, storedBytes: 0, packsUploaded: 0 };

  constructor(repo: Repository, meta: BackupMeta, options: BackupOptions = {}) {
    this.#repo = repo;
    this.#meta = meta;
    this.#options = options;
  }

  async write(source: AsyncIterable<Uint8Array>): Promise<BackupResult> {
    const repo = this.#repo;
    const parent = this.#meta.parent ?? null;
    if (parent !== null && !isObjectId(parent)) throw noParent(parent);
    // The parent's HEAD and the index load are independent reads: side by side, not one after the other.
    const [parentFound, index] = await Promise.all([
      parent === null ? true : repo.backend.head(repo.store.name('manifests', parent)).then((h) => h !== null),
      repo.index(),
    ]);
    if (!parentFound) throw noParent(parent!);
    const sink = new PackSink(repo, index, () => this.#report(sink));
    const table = new ChunkTable();
    const chunks = new HashedChunks(source, { params: repo.params.chunker, gear: repo.gear, chunkIdKey: repo.secrets.chunkId }, this.#options.chunking, this.#options.sourceOwned ?? false);
    let failure: unknown;
    let complete = false;
    try {
      complete = await this.#consume(chunks, index, sink, table);
    } catch (error) {
      failure = error;
    }
    if (!complete) {
      // Every chunk read so far is valid whatever stopped us: make it durable so the next run need
      // not upload it again (if the backend is what failed, this fails too, and that is fine).
      if (this.#options.flushOnAbort ?? true) await sink.close().catch(() => undefined);
      else await sink.settle();
      this.#report(sink);
      throw failure ?? interrupted('backup');
    }
    await sink.close();
    const head: ManifestHead = {
      format: MANIFEST_FORMAT,
      version: MANIFEST_VERSION,
      repository: repo.config.id,
      host: repo.host,
      subvolume: this.#meta.subvolume,
      snapshot: this.#meta.snapshot,
      parent,
      created: repo.now().toISOString(),
      tool: this.#options.tool ?? TOOL,
      stream: { size: this.progress.bytesRead, sha256: chunks.sha256!, chunks: table.count },
      stored: { newChunks: this.progress.newChunks, newBytes: this.progress.newBytes, storedBytes: sink.stats.storedBytes },
      ...(this.#meta.extra === undefined ? {} : { extra: this.#meta.extra }),
    };
    const manifestId = await repo.manifests.write({ head, chunks: table.bytes() }, repo.params.compressionLevel);
    // Only now, and only as a courtesy: the merged segment already lists everything, and a host key
    // without delete rights must not turn a finished backup into a failed one.
    const leftoverSegments = await sink.removeSuperseded();
    this.#report(sink);
    return { manifestId, head, progress: { ...this.progress }, leftoverSegments };
  }

  /** Reads the whole source unless aborted; true when it reached the end. */
  async #consume(chunks: HashedChunks, index: RepoIndex, sink: PackSink, table: ChunkTable): Promise<boolean> {
    const repo = this.#repo;
    const inFlight: Array<{ id: Buffer; chunk: Buffer; sealed: Promise<Buffer> }> = [];
    const limit = Math.max(1, this.#options.sealConcurrency ?? 3);
    // Each chunk is this writer's alone (chunk-thread.ts hands over owned buffers): its memory is
    // given back as soon as it is sealed or found stored, not at V8's next collection.
    const drainOne = async (): Promise<void> => {
      const next = inFlight.shift()!;
      const sealed = await next.sealed;
      const rawLength = next.chunk.length;
      release(next.chunk);
      await sink.add(next.id, sealed, rawLength);
    };
    // A failure leaves sealings running on the pool: their chunks go to the collector as before.
    let aborted = false;
    for await (const { data: chunk, id } of chunks) {
      if (this.#options.signal?.aborted === true) { aborted = true; break; }
      table.push(id, chunk.length);
      this.progress.bytesRead += chunk.length;
      this.progress.chunks += 1;
      const hex = id.toString('hex');
      if (index.has(id) || sink.pending.has(hex)) {
        this.progress.dedupBytes += chunk.length;
        release(chunk);
      } else {
        sink.pending.add(hex);
        this.progress.newBytes += chunk.length;
        this.progress.newChunks += 1;
        const sealed = sealBlob(repo.secrets, chunk, repo.params.compressionLevel);
        sealed.catch(() => undefined);
        inFlight.push({ id, chunk, sealed });
        if (inFlight.length >= limit) await drainOne();
      }
      this.#report(sink);
    }
    while (inFlight.length > 0) await drainOne();
    return !aborted;
  }

  #report(sink: PackSink): void {
    this.progress.storedBytes = sink.stats.storedBytes;
    this.progress.packsUploaded = sink.stats.packsUploaded;
    this.#options.onProgress?.(this.progress);
  }
}

function noParent(parent: string): PantherError {
  return new PantherError('no-manifest', `parent backup point ${parent} does not exist`, {
    subject: parent, hint: 'an incremental stream needs its parent stored first; send a full stream instead',
  });
}
