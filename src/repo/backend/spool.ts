// Packs on their way to a remote store wait in a file, not in memory. A pack is named by the hash of
// its bytes, so it cannot be uploaded before it is complete; held in memory (BufferedStage), the pack
// being filled and the one uploading cost 2 × 32 MiB, and the multipart upload's parts as much again
// (docs/BENCHMARK.md "Round 4": a remote backup peaked at 197 MiB against ~105 for a local one).
//
// SpoolBackend is the outermost layer of a remote stack (open.ts): its stage writes the pieces to a
// file in the spool directory and, at commit, puts that file through the whole stack as a
// ReplayableBody, so the retry layer repeats the put by reading the file again, the cap paces every
// read of it, and the S3 store sends each multipart part straight from its range of the file
// (s3.ts). Everything else passes through.
//
// The file is unlinked the moment it is created and used through its descriptor only: a run killed
// at any point leaves nothing behind to sweep, and no other process can open it by name. Its
// directory is created 0700 on first use.
import { randomBytes } from 'node:crypto';
import { lstat, open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { PantherError } from '../../core/errors.ts';
import { mkdirPrivate } from '../../core/private-dir.ts';
import type { Backend, BackendProperties, ByteRange, ObjectInfo, PutData, ReplayableBody, StagedPut } from './backend.ts';
import { spentStage } from './backend.ts';
import { FileAppender } from './appender.ts';

export interface SpoolOptions {
  /** A directory on disk (not a tmpfs, where the spool would be memory again). */
  dir: string;
}

/** Bytes per read of a spooled file: a socket write's worth, so a part in flight holds a few of them. */
export const SPOOL_READ_BYTES = 256 * 1024;

export class SpoolBackend implements Backend {
  readonly inner: Backend;
  readonly dir: string;
  #ready: Promise<unknown> | null = null;

  constructor(inner: Backend, options: SpoolOptions) {
    this.inner = inner;
    this.dir = options.dir;
  }

  get properties(): BackendProperties { return this.inner.properties; }

  /** Spooled to a file, put through the layers below at commit. */
  stage(): StagedPut {
    return new SpoolStage(this.dir, () => this.#file(), (name, body) => this.inner.put(name, body));
  }

  put(name: string, data: PutData): Promise<void> { return this.inner.put(name, data); }
  get(name: string, range?: ByteRange): Promise<Uint8Array> { return this.inner.get(name, range); }
  getStream(name: string, range?: ByteRange): AsyncIterable<Uint8Array> { return this.inner.getStream(name, range); }
  head(name: string): Promise<number | null> { return this.inner.head(name); }
  list(prefix: string): AsyncIterable<ObjectInfo> { return this.inner.list(prefix); }
  delete(name: string): Promise<void> { return this.inner.delete(name); }
  sweepTemporaries(olderThanMs: number): Promise<number> { return this.inner.sweepTemporaries(olderThanMs); }

  /** A new spool file, already unlinked, open for reading and writing. */
  async #file(): Promise<FileHandle> {
    this.#ready ??= readySpool(this.dir);
    const path = join(this.dir, `.spool.${randomBytes(8).toString('hex')}.tmp`);
    let handle: FileHandle;
    try {
      await this.#ready;
      // O_EXCL: never an existing file, nor a symlink planted under the name.
      handle = await open(path, 'wx+', 0o600);
    } catch (error) {
      this.#ready = null;
      throw spoolUnusable(this.dir, error as NodeJS.ErrnoException);
    }
    try {
      await unlink(path);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw spoolUnusable(this.dir, error as NodeJS.ErrnoException);
    }
    return handle;
  }
}

/** The spool directory, created 0700 if missing; a symlink (or anything but a directory) there is refused, not followed. */
async function readySpool(dir: string): Promise<void> {
  await mkdirPrivate(dir);
  const info = await lstat(dir);
  if (!info.isDirectory()) throw Object.assign(new Error(`${dir} is ${info.isSymbolicLink() ? 'a symlink' : 'not a directory'}`), { code: info.isSymbolicLink() ? 'ELOOP' : 'ENOTDIR' });
}

function spoolUnusable(dir: string, cause: NodeJS.ErrnoException): PantherError {
  const full = cause.code === 'ENOSPC' || cause.code === 'EDQUOT';
  return new PantherError('spool-unusable', `cannot keep packs on their way to the repository in ${dir} (${cause.code ?? cause.message}${full ? ': no space left' : ''})`, {
    subject: dir, cause,
    hint: full
      ? 'a backup to a remote repository keeps up to two packs (64 MiB) in <state dir>/spool: free space there, or pass --state-dir (PANTHER_STATE_DIR) on a filesystem that has it; the next run uploads what this one could not'
      : 'the spool is <state dir>/spool: pass --state-dir (or set PANTHER_STATE_DIR) to a directory on disk this user can write',
  });
}

/**
 * Pieces appended to the spool file in the order they were handed over; at commit, the file is put
 * as a ReplayableBody and closed (which frees its disk space) whatever the put did.
 */
class SpoolStage implements StagedPut {
  readonly #file: FileAppender;
  readonly #put: (name: string, body: ReplayableBody) => Promise<void>;
  #spent = false;
  #committing = false;

  constructor(dir: string, openFile: () => Promise<FileHandle>, put: (name: string, body: ReplayableBody) => Promise<void>) {
    // A full disk says where, and what to do, rather than a bare ENOSPC.
    this.#file = new FileAppender(openFile, (error) => spoolUnusable(dir, error));
    this.#put = put;
  }

  write(data: Uint8Array): Promise<void> {
    return this.#spent ? Promise.reject(spentStage()) : this.#file.append(data);
  }

  async commit(name: string): Promise<void> {
    if (this.#spent) throw spentStage();
    this.#spent = true;
    this.#committing = true;
    try {
      await this.#put(name, fileBody(await this.#file.complete(), this.#file.size));
    } finally {
      this.#committing = false;
      await this.#file.close().catch(() => undefined);
    }
  }

  async abort(): Promise<void> {
    this.#spent = true;
    // A commit in progress closes the file itself when its put returns.
    if (this.#committing) return;
    await this.#file.close().catch(() => undefined);
  }
}

/** The first `size` bytes of an open file, read by position: any number of reads, at once. */
export function fileBody(handle: FileHandle, size: number): ReplayableBody {
  const read = (range?: ByteRange): AsyncIterable<Uint8Array> => readRange(handle, size, range);
  return { replayable: true, size, read, [Symbol.asyncIterator]: () => read()[Symbol.asyncIterator]() };
}

async function* readRange(handle: FileHandle, size: number, range?: ByteRange): AsyncGenerator<Uint8Array> {
  const start = Math.min(range?.offset ?? 0, size);
  const end = range === undefined ? size : Math.min(size, start + range.length);
  for (let position = start; position < end;) {
    // A buffer per read: the consumer (a socket's write queue) may hold it after the next is read.
    const buffer = Buffer.allocUnsafe(Math.min(SPOOL_READ_BYTES, end - position));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) throw new Error(`spool file ended at ${position} of ${size} bytes (was it truncated?)`);
    position += bytesRead;
    yield bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
  }
}
