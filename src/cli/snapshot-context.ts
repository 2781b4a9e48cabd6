// What every `panther snapshot …` command needs: the host's plan, where its mounts are, the time,
// and the host-wide lock.
import { userInfo } from 'node:os';
import { ExitCode, PantherError } from '../core/errors.ts';
import { readPlan } from '../plan/read-plan.ts';
import type { EngineContext } from '../snapshot/engine.ts';
import { acquireLock, type HeldLock } from '../snapshot/lock.ts';
import { str, type Io, type OptionSpec, type Values } from './command.ts';

export const DEFAULT_PLAN = '/etc/panther/plan.json';
export const DEFAULT_LOCK = '/run/panther/snapshot.lock';

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

export async function snapshotContext(values: Values, io: Io): Promise<EngineContext & { now: () => string }> {
  const planFile = str(values, 'plan') ?? process.env['PANTHER_PLAN'] ?? DEFAULT_PLAN;
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
  const wait = Number(str(values, 'wait') ?? '0');
  const lock: HeldLock = await acquireLock(str(values, 'lock') ?? DEFAULT_LOCK, purpose, wait * 1000);
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
