// What every `panther snapshot …` command needs: the host's plan, where its mounts are, the time,
// and the host-wide lock.
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { flagOrEnv } from '../core/defaults.ts';
import { readPlan } from '../plan/read-plan.ts';
import type { EngineContext } from '../snapshot/engine.ts';
import type { HeldLock } from '../locks/host-lock.ts';
import { str, type Io, type Values } from './command.ts';
import { secondsFlag, timeFlag } from './flags.ts';
import { BACKUP_LOCK_NAME, DRILL_LOCK_NAME, DEFAULT_LOCK, DEFAULT_PLAN } from './options.ts';

export async function snapshotContext(values: Values, io: Io): Promise<EngineContext & { now: () => string }> {
  const planFile = flagOrEnv(str(values, 'plan'), 'plan', DEFAULT_PLAN);
  const fixed = timeFlag(values, 'now');
  waitMs(values); // refused before any work, not only when the lock is taken
  const plan = await readPlan(planFile);
  return {
    plan, root: str(values, 'root') ?? '/', creator: `${userInfo().username}@panther`, log: (l) => io.err(l), signal: interruptSignal(),
    now: () => fixed ?? new Date().toISOString(),
  };
}

export async function withHostLock<T>(values: Values, purpose: string, fn: () => Promise<T>): Promise<T> {
  return withLockFile(hostLockPath(values), purpose, waitMs(values), fn);
}

/**
 * One backup run or backup prune at a time per host, without keeping snapshot runs out: a second
 * lock file beside the host lock. `backup run` takes the host lock only for its short sections
 * (`hostLockSections`).
 */
export async function withBackupLock<T>(values: Values, purpose: string, fn: () => Promise<T>): Promise<T> {
  return withLockFile(backupLockPath(values), purpose, waitMs(values), fn);
}

// A snapshot run holds the host lock for its hooks and snapshots (the timer's service gives it
// 10 min plus the hooks' limits), a `snapshot wrap` for its command: a backup's short section waits
// that long rather than failing a night's upload.
const SECTION_WAIT_MS = 30 * 60_000;

/** Runs `fn` under the host lock, waiting for a snapshot run to end: a backup's short sections. */
export function hostLockSections(values: Values, purpose: string): <T>(fn: () => Promise<T>) => Promise<T> {
  return (fn) => withLockFile(hostLockPath(values), purpose, SECTION_WAIT_MS, fn);
}

export function hostLockPath(values: Values): string {
  return str(values, 'lock') ?? DEFAULT_LOCK;
}

export function backupLockPath(values: Values): string {
  return besideHostLock(values, BACKUP_LOCK_NAME);
}

/** One drill at a time per host (a drill runs for hours; snapshots and backups go on meanwhile). */
export function withDrillLock<T>(values: Values, purpose: string, fn: () => Promise<T>): Promise<T> {
  return withLockFile(besideHostLock(values, DRILL_LOCK_NAME), purpose, waitMs(values), fn);
}

function besideHostLock(values: Values, name: string): string {
  const host = hostLockPath(values);
  const beside = join(dirname(host), name);
  return beside === host ? `${host}.${name.replace(/\.lock$/, '')}` : beside;
}

function waitMs(values: Values): number {
  return secondsFlag(values, 'wait', 0);
}

async function withLockFile<T>(path: string, purpose: string, wait: number, fn: () => Promise<T>): Promise<T> {
  // The lock code (and flock) loaded by commands that take the lock, not by every snapshot command.
  const { acquireLock } = await import('../locks/host-lock.ts');
  const lock: HeldLock = await acquireLock(path, purpose, wait);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

let interrupted: AbortController | undefined;

/** One signal per process that aborts on SIGINT/SIGTERM (listeners registered once, not per command). */
function interruptSignal(): AbortSignal {
  if (interrupted === undefined) {
    const controller = new AbortController();
    interrupted = controller;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort(new Error(`interrupted by ${signal}`)));
  }
  return interrupted.signal;
}
