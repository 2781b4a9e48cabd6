// What every `panther snapshot …` command needs: the host's plan, where its mounts are, the time,
// and the host-wide lock.
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_HOST_LOCK as DEFAULT_LOCK, DEFAULT_PLAN, flagOrEnv } from '../core/defaults.ts';
import { ExitCode, PantherError, usageError } from '../core/errors.ts';
import { readPlan } from '../plan/read-plan.ts';
import type { EngineContext } from '../snapshot/engine.ts';
import { acquireLock, type HeldLock } from '../locks/host-lock.ts';
import { str, type Io, type OptionSpec, type Values } from './command.ts';

/** `backup run` and `backup prune` exclude each other with this file, in the host lock's directory. */
export const BACKUP_LOCK_NAME = 'backup.lock';

// --lock/--wait are accepted everywhere so scripts can pass one set of flags to every subcommand.
export const SNAPSHOT_OPTIONS: OptionSpec = {
  plan: { type: 'string' },
  root: { type: 'string' },
  now: { type: 'string' },
  lock: { type: 'string' },
  wait: { type: 'string' },
};

export const SNAPSHOT_HELP = `  --plan FILE    the host's plan (default $PANTHER_PLAN or ${DEFAULT_PLAN})
  --root DIR     where the plan's mount points are (default /)
  --now ISO      act as if it were this time (tests, simulation); default: the clock`;

export const LOCK_HELP = `  --lock FILE    host-wide lock (default ${DEFAULT_LOCK}); one run at a time
  --wait SECONDS wait this long for another run to finish (default 0: fail at once, exit 11)`;

export const BACKUP_LOCK_HELP = `  --lock FILE    host-wide lock (default ${DEFAULT_LOCK}), taken only briefly to pick
                 and hold snapshots; one backup run or prune at a time: ${BACKUP_LOCK_NAME} beside it
  --wait SECONDS wait this long for another backup run or prune (default 0: fail at once, exit 11)`;

export async function snapshotContext(values: Values, io: Io): Promise<EngineContext & { now: () => string }> {
  const planFile = flagOrEnv(str(values, 'plan'), 'plan', DEFAULT_PLAN);
  const plan = await readPlan(planFile);
  const fixed = str(values, 'now');
  if (fixed !== undefined && Number.isNaN(Date.parse(fixed))) {
    throw new PantherError('usage', `--now ${fixed}: not a time`, { exitCode: ExitCode.usage, hint: 'ISO-8601, e.g. 2026-11-24T02:00:00Z' });
  }
  return {
    plan, root: str(values, 'root') ?? '/', creator: `${userInfo().username}@panther`, log: (l) => io.err(l), signal: interruptSignal(),
    now: () => (fixed === undefined ? new Date().toISOString() : new Date(fixed).toISOString()),
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
  const host = hostLockPath(values);
  const beside = join(dirname(host), BACKUP_LOCK_NAME);
  return beside === host ? `${host}.backup` : beside;
}

function waitMs(values: Values): number {
  const text = str(values, 'wait') ?? '0';
  const seconds = Number(text);
  // A NaN wait never reaches its deadline: refuse it rather than wait forever.
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(seconds)) throw usageError(`--wait ${text}: not a number of seconds`, 'e.g. --wait 120');
  return seconds * 1000;
}

async function withLockFile<T>(path: string, purpose: string, wait: number, fn: () => Promise<T>): Promise<T> {
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
