// Filesystem backend: one file per object under a root directory. Writes go to a temporary name in
// the target directory, are fsynced, renamed into place and the directory fsynced, so a crash at any
// moment leaves either no object or the complete one. Temporary names start with '.', which object
// names may not (backend.ts), so they are never listed or read as objects.
import { constants, createReadStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { lstat, open, readdir, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { syncDirectory, writeFileAtomic } from '../../core/atomic-write.ts';
import { mkdirPrivate } from '../../core/private-dir.ts';
import type { Backend, BackendProperties, ByteRange, ObjectInfo, PutData, StagedPut } from './backend.ts';
import { spentStage } from './backend.ts';
import { assertObjectName, assertPrefix, assertRange, badRange, notFound } from './backend.ts';
import { compareNames } from './memory.ts';
import { FileAppender } from './appender.ts';
import { PantherError } from '../../core/errors.ts';

const READ_SLICE = 4 * 1024 * 1024;
const TEMPORARY = /^\..+\.[0-9a-f]{12}\.tmp$/;

// rename(2) into place, then readdir: a listing sees every completed put at once.
export const LOCAL_PROPERTIES: BackendProperties = Object.freeze({ kind: 'local', listAfterWriteConsistent: true, sweepsTemporaries: true, remote: false });

export class LocalBackend implements Backend {
  readonly properties = LOCAL_PROPERTIES;
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  #path(name: string): string {
    assertObjectName(name);
    return join(this.root, ...name.split('/'));
  }

  async put(name: string, data: PutData): Promise<void> {
    const path = this.#path(name);
    const dir = dirname(path);
    await this.#ensureDir(dir);
    await writeFileAtomic(path, data, 0o600).catch((error: NodeJS.ErrnoException) => {
      throw renameError(error, name, path);
    });
  }

  /**
   * A temporary file at the root (a name sweepTemporaries knows, never listed), fsynced and renamed
   * onto the object at commit: a pack goes to disk as it fills and is never held in memory.
   */
  stage(): StagedPut {
    const tmp = join(this.root, `.stage.${randomBytes(6).toString('hex')}.tmp`);
    const file = new FileAppender(() => open(tmp, 'wx', 0o600));
    let spent = false;
    const drop = async (): Promise<void> => {
      await file.close();
      await rm(tmp, { force: true });
    };
    return {
      write: (data) => (spent ? Promise.reject(spentStage()) : file.append(data)),
      commit: async (name) => {
        if (spent) throw spentStage();
        spent = true;
        let path = '';
        try {
          path = this.#path(name);
          await (await file.complete()).sync();
          await file.close();
          await this.#ensureDir(dirname(path));
          try {
            await rename(tmp, path);
          } catch (error) {
            // A filesystem mounted inside the repository: copied there instead, as any put.
            if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw renameError(error as NodeJS.ErrnoException, name, path);
            await this.put(name, createReadStream(tmp, { highWaterMark: READ_SLICE }));
            await rm(tmp, { force: true });
            return;
          }
        } catch (error) {
          await drop();
          throw error;
        }
        await syncDirectory(dirname(path));
      },
      abort: async () => {
        spent = true;
        await drop();
      },
    };
  }

  // mkdir -p (0700 whatever the umask: a repository's names and sizes are nobody else's business),
  // then fsync every directory that gained an entry so the new path survives a crash.
  async #ensureDir(dir: string): Promise<void> {
    const first = await mkdirPrivate(dir);
    if (first === undefined) return;
    let current = dir;
    const stop = dirname(first);
    while (true) {
      await syncDirectory(dirname(current));
      if (dirname(current) === stop || current === stop) break;
      current = dirname(current);
    }
  }

  async get(name: string, range?: ByteRange): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    // One read into one buffer (a restore's 16 MiB ranged reads): no slices to join with a copy.
    for await (const part of this.#read(name, range, 1 << 30)) parts.push(part);
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  getStream(name: string, range?: ByteRange): AsyncIterable<Uint8Array> {
    return this.#read(name, range, READ_SLICE);
  }

  async *#read(name: string, range: ByteRange | undefined, slice: number): AsyncIterable<Uint8Array> {
    const path = this.#path(name);
    let handle: FileHandle;
    try {
      // Never through a symlink: an object is a file the backend wrote, and a link planted in the
      // repository could make a read return (and a check vouch for) some other file.
      handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      if (isMissing(error)) throw notFound(name);
      if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw notAFile(name, path, 'a symbolic link');
      throw error;
    }
    try {
      const info = await handle.stat();
      // Only panther's own files are objects; a directory (or device) under an object's name was put
      // there by something else and reads fail with EISDIR deep inside a command.
      if (!info.isFile()) throw notAFile(name, path, info.isDirectory() ? 'a directory' : 'not a regular file');
      const size = info.size;
      if (range !== undefined) assertRange(range);
      const start = range?.offset ?? 0;
      if (start > size) throw badRange(name, range!, size);
      const end = range === undefined ? size : Math.min(size, start + range.length);
      let position = start;
      if (end === start) yield new Uint8Array(0);
      while (position < end) {
        const length = Math.min(slice, end - position);
        const buffer = Buffer.allocUnsafe(length);
        const { bytesRead } = await handle.read(buffer, 0, length, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        yield buffer.subarray(0, bytesRead);
      }
    } finally {
      await handle.close();
    }
  }

  async head(name: string): Promise<number | null> {
    try {
      const info = await stat(this.#path(name));
      return info.isFile() ? info.size : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertPrefix(prefix);
    const cut = prefix.lastIndexOf('/');
    const base = cut < 0 ? '' : prefix.slice(0, cut);
    const found: ObjectInfo[] = [];
    await this.#walk(base, prefix, found);
    found.sort((a, b) => compareNames(a.name, b.name));
    yield* found;
  }

  async #walk(relDir: string, prefix: string, out: ObjectInfo[]): Promise<void> {
    const dir = relDir === '' ? this.root : join(this.root, ...relDir.split('/'));
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw error;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const name = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (prefix.startsWith(`${name}/`) || `${name}/`.startsWith(prefix)) await this.#walk(name, prefix, out);
      } else if (!entry.isFile() && !entry.isDirectory() && name.startsWith(prefix)) {
        // A symlink or device where an object belongs: listed, so a read reports it instead of the
        // object silently vanishing from every listing (a check would then pass without it).
        const info = await lstat(join(dir, entry.name)).catch((error: unknown) => { if (isMissing(error)) return null; throw error; });
        if (info !== null) out.push({ name, size: info.size });
      } else if (entry.isFile() && name.startsWith(prefix)) {
        // Deleted between readdir and stat (a released lock, a pruned pack): it is simply gone.
        const info = await stat(join(dir, entry.name)).catch((error: unknown) => { if (isMissing(error)) return null; throw error; });
        if (info !== null) out.push({ name, size: info.size });
      }
    }
  }

  /**
   * Removes temporary files of writes that a crash (kill -9, power loss) left behind, if older than
   * `olderThanMs` (so a write in progress elsewhere is not cut). Returns how many were removed. S3
   * has the same problem as unfinished multipart uploads, solved by a lifecycle rule instead.
   */
  async sweepTemporaries(olderThanMs: number, now = Date.now()): Promise<number> {
    let removed = 0;
    const visit = async (dir: string): Promise<void> => {
      let entries;
      try { entries = await readdir(dir, { withFileTypes: true }); } catch (error) { if (isMissing(error)) return; throw error; }
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await visit(path);
        else if (entry.isFile() && TEMPORARY.test(entry.name) && now - (await stat(path)).mtimeMs > olderThanMs) {
          await rm(path, { force: true });
          removed += 1;
        }
      }
    };
    await visit(this.root);
    return removed;
  }

  async delete(name: string): Promise<void> {
    const path = this.#path(name);
    await rm(path, { force: true });
    await syncDirectory(dirname(path)).catch((error: unknown) => {
      if (!isMissing(error)) throw error;
    });
  }
}

// rename(2) onto a directory: something other than panther put it where an object belongs.
function renameError(error: NodeJS.ErrnoException, name: string, path: string): Error {
  if (error.code === 'EISDIR' || error.code === 'ENOTEMPTY') return notAFile(name, path, 'a directory');
  return error;
}

function notAFile(name: string, path: string, what: string): PantherError {
  return new PantherError('object-not-a-file', `repository object ${name} (${path}) is ${what}, not a file`, {
    subject: name, details: { object: name },
    hint: 'every repository object is a regular file written by backup runs; move this away and restore the object from a copy of the repository',
  });
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
