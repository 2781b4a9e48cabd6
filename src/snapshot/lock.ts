// One run at a time per host: an exclusive lock file holding the owner's pid and start time. A lock
// whose owner is gone (no such pid, or the pid was reused by a younger process) is stale and taken
// over; a live owner makes the caller wait up to `waitMs`, then fail with who holds it.
import { open, readFile, unlink, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { PantherError } from '../core/errors.ts';

export interface LockInfo {
  pid: number;
  host: string;
  /** Kernel start time of the owner (field 22 of /proc/<pid>/stat), so a reused pid is not mistaken for the owner. */
  startTicks: string | null;
  since: string;
  purpose: string;
}

export const LOCKED_EXIT_CODE = 11;

async function startTicks(pid: number): Promise<string | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  // The command name (field 2) may contain spaces and parentheses: count from the last ")".
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
}

async function ownerAlive(info: LockInfo): Promise<boolean> {
  if (info.host !== hostname()) return true; // cannot tell for another host's lock: respect it
  try {
    process.kill(info.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  return info.startTicks === null || (await startTicks(info.pid)) === info.startTicks;
}

export interface HeldLock {
  path: string;
  release(): Promise<void>;
}

export async function acquireLock(path: string, purpose: string, waitMs = 0, now: () => Date = () => new Date()): Promise<HeldLock> {
  await mkdir(dirname(path), { recursive: true });
  const deadline = Date.now() + waitMs;
  const mine: LockInfo = { pid: process.pid, host: hostname(), startTicks: await startTicks(process.pid), since: now().toISOString(), purpose };
  for (;;) {
    try {
      const handle = await open(path, 'wx', 0o644);
      await handle.writeFile(`${JSON.stringify(mine)}\n`);
      await handle.sync();
      await handle.close();
      return { path, release: async () => { await unlink(path).catch(() => undefined); } };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readFile(path, 'utf8').then((t) => JSON.parse(t) as LockInfo).catch(() => null);
    if (holder === null || !(await ownerAlive(holder))) {
      // Stale (or half-written by a crashed owner): remove and retry; `wx` keeps the race safe.
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new PantherError('locked', `${path}: held by pid ${holder.pid} on ${holder.host} since ${holder.since} (${holder.purpose})`, {
        exitCode: LOCKED_EXIT_CODE, subject: path,
        hint: 'another panther run is in progress; wait for it (--wait SECONDS), or if that process is gone, remove the lock file',
      });
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
