// One run at a time per host: an exclusive flock(2) on a lock file, held for as long as this
// process keeps the file open. The kernel drops it when the holder closes the file or dies, so a
// killed run leaves no stale lock and nobody ever decides that a holder is dead: a takeover by
// "read holder, decide stale, unlink, create" let several waiters hold the lock at once.
// The file also says who holds it (pid, purpose, since), written by the holder once it has the
// lock; a caller that finds it held waits up to `waitMs`, then fails naming that holder.
// The file is never removed: a waiter may have it open, and a new file at the same path would be a
// second, independent lock.
import { constants, open, mkdir, lstat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { tryExclusiveFlock } from '../btrfs/flock.ts';
import { ExitCode, PantherError } from '../core/errors.ts';
import { processStartTicks } from '../core/process-start.ts';

export interface LockInfo {
  pid: number;
  host: string;
  /**
   * Kernel start time of the owner (field 22 of /proc/<pid>/stat). Not needed by flock; kept so a
   * pre-flock panther reading this file during an upgrade still sees a live owner.
   */
  startTicks: string | null;
  since: string;
  purpose: string;
}

export const LOCKED_EXIT_CODE = ExitCode.locked;
const POLL_MS = 200;
// O_NOFOLLOW: a symlink planted at the path must not make root create or lock another file.
const OPEN_FLAGS = constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW;


export interface HeldLock {
  path: string;
  release(): Promise<void>;
}

// The handles of held locks: a FileHandle that is garbage-collected is closed, which would drop the lock.
const held = new Set<FileHandle>();

async function openLockFile(path: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') {
      throw new PantherError('lock-symlink', `${path}: the lock file is a symbolic link; refusing to follow it`, {
        subject: path, hint: 'remove the link (the lock file is created by the run itself), or pass --lock with another path',
      });
    }
    throw new PantherError('lock-open', `${path}: cannot open the lock file (${code ?? (error as Error).message})`, {
      subject: path, cause: error, hint: 'run as root, or pass --lock with a path you may write',
    });
  }
  const st = await handle.stat();
  if (!st.isFile()) {
    await handle.close();
    throw new PantherError('lock-not-a-file', `${path}: the lock file is not a regular file`, { subject: path, hint: 'remove it, or pass --lock with another path' });
  }
  return handle;
}

/** The file at `path` is still the one `handle` has open (it was not removed or replaced meanwhile). */
async function stillAtPath(handle: FileHandle, path: string): Promise<boolean> {
  const [mine, there] = await Promise.all([handle.stat(), lstat(path).catch(() => null)]);
  return there !== null && there.dev === mine.dev && there.ino === mine.ino;
}

async function readHolder(handle: FileHandle): Promise<LockInfo | null> {
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(size, 64 * 1024));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const info = JSON.parse(buffer.subarray(0, bytesRead).toString('utf8')) as Partial<LockInfo>;
    return typeof info.pid === 'number' ? { pid: info.pid, host: String(info.host), startTicks: info.startTicks ?? null, since: String(info.since), purpose: String(info.purpose) } : null;
  } catch {
    // Empty (released, or the holder is writing it right now) or not ours: no one to name.
    return null;
  }
}

async function recordHolder(handle: FileHandle, info: LockInfo): Promise<void> {
  const text = Buffer.from(`${JSON.stringify(info)}\n`);
  await handle.truncate(0);
  await handle.write(text, 0, text.length, 0);
}

export async function acquireLock(path: string, purpose: string, waitMs = 0, now: () => Date = () => new Date()): Promise<HeldLock> {
  await mkdir(dirname(path), { recursive: true });
  const deadline = Date.now() + waitMs;
  const mine: LockInfo = { pid: process.pid, host: hostname(), startTicks: await processStartTicks(process.pid), since: now().toISOString(), purpose };
  for (;;) {
    const handle = await openLockFile(path);
    let keep = false;
    try {
      if (await tryExclusiveFlock(handle.fd, path)) {
        // Locked a file someone removed or replaced after we opened it: that lock guards nothing.
        if (await stillAtPath(handle, path)) {
          await recordHolder(handle, mine);
          keep = true;
          held.add(handle);
          return { path, release: () => release(handle) };
        }
        continue;
      }
      if (Date.now() >= deadline) {
        const holder = await readHolder(handle);
        const who = holder === null ? 'another process (it has not said who yet)' : `pid ${holder.pid} on ${holder.host} since ${holder.since} (${holder.purpose})`;
        throw new PantherError('locked', `${path}: held by ${who}`, {
          exitCode: LOCKED_EXIT_CODE, subject: path,
          hint: 'another panther run is in progress; wait for it (--wait SECONDS). The lock goes away by itself when that process ends',
        });
      }
    } finally {
      if (!keep) await handle.close();
    }
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(0, deadline - Date.now()) + 1)));
  }
}

async function release(handle: FileHandle): Promise<void> {
  if (!held.delete(handle)) return;
  // Say that nobody holds it before letting go; closing the last descriptor releases the flock.
  await handle.truncate(0).catch(() => undefined);
  await handle.close();
}
