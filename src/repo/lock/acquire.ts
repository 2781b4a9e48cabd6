// acquireRepoLock: write a lock object, wait out the list lag, look, decide (decide.ts). A loser
// either waits with its object in place (it queues: a waiting exclusive lock keeps new shared ones
// out, so writers cannot starve a prune) or, when an older contender also waits, deletes it and
// comes back later with a new one. Protocol and proof: docs/FORMAT.md §6.
import { randomBytes } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { PantherError, ExitCode } from '../../core/errors.ts';
import type { Backend } from '../backend/backend.ts';
import { assertHost } from '../names.ts';
import { RepoExit } from '../errors.ts';
import type { LockClock } from './clock.ts';
import { systemClock } from './clock.ts';
import type { LockParams } from './params.ts';
import { mergeLockParams } from './params.ts';
import type { LockKind } from './lock-object.ts';
import { LOCK_KINDS } from './lock-object.ts';
import type { LockEntry } from './observe.ts';
import { observeLocks } from './observe.ts';
import { decide } from './decide.ts';
import { repoLocked } from './errors.ts';
import type { LockEvent, RepoLock } from './lease.ts';
import { Lease } from './lease.ts';

export interface AcquireOptions {
  /** What will hold the lock, shown to whoever it blocks: `backup run`, `backup prune`. */
  holder: string;
  clock?: LockClock;
  params?: Partial<LockParams>;
  /** Gives up waiting (the reason is thrown); has no effect once the lock is held. */
  signal?: AbortSignal;
  /** How long to wait for conflicting holders before failing with `repo-locked`. Default 0: one look. */
  waitMs?: number;
  onEvent?: (event: LockEvent) => void;
  /** Defaults: os.hostname(), process.pid. */
  hostname?: string;
  pid?: number;
  /** Source of the nonce and the back-off jitter (tests pass a seeded one). */
  random?: () => number;
}

export async function acquireRepoLock(backend: Backend, host: string, kind: LockKind, options: AcquireOptions): Promise<RepoLock> {
  assertHost(host);
  if (!LOCK_KINDS.includes(kind)) {
    throw new PantherError('usage', `lock kind must be shared or exclusive, not ${JSON.stringify(kind)}`, { exitCode: ExitCode.usage });
  }
  const params = mergeLockParams(options.params);
  const clock = options.clock ?? systemClock;
  const onEvent = options.onEvent ?? ((): void => undefined);
  const random = options.random;
  const waitMs = options.waitMs ?? 0;
  const started = clock.monotonic();
  const waited = (): number => clock.monotonic() - started;
  // A shared contender conflicts only with exclusive locks, so it never reads shared ones.
  const readKinds = kind === 'exclusive' ? undefined : (['exclusive'] as const);
  let blocker: LockEntry | undefined;

  for (;;) {
    options.signal?.throwIfAborted();
    const lease = await Lease.create({
      backend, host, kind, clock, params, onEvent, holder: options.holder,
      hostname: options.hostname ?? osHostname(), pid: options.pid ?? process.pid,
      nonce: random === undefined ? randomBytes(8).toString('hex') : randomHex(random, 16),
    });
    try {
      // Every object written before ours completed is in listings from now on (§6.4 A1).
      await clock.sleep(params.settleMs, options.signal);
      for (;;) {
        let observed: LockEntry[] | undefined;
        if (lease.alive()) {
          try {
            observed = await observeLocks(backend, host, { clock, params, removeExpired: true, own: lease.name, ...(readKinds === undefined ? {} : { readKinds }) });
          } catch (error) {
            if (waited() >= waitMs) throw error;
            onEvent({ type: 'observe-failed', error });
          }
        }
        // The decision must be taken while the lease is good: a lapsed contender's object may
        // already have been judged expired and deleted by others (§6.5).
        if (!lease.alive()) {
          onEvent({ type: 'withdrawn', reason: 'own lease lapsed while waiting' });
          break;
        }
        if (observed !== undefined) {
          for (const entry of observed) if (entry.removed === true) onEvent({ type: 'stale-removed', lock: entry });
          const decision = decide(lease, observed.filter((e) => e.removed !== true));
          if (decision.action === 'hold') {
            await lease.markHeld();
            return lease.handle();
          }
          if (decision.action === 'restart') {
            onEvent({ type: 'withdrawn', reason: decision.reason });
            break;
          }
          blocker = decision.blocker;
          if (decision.action === 'withdraw') {
            onEvent({ type: 'withdrawn', reason: decision.reason, blocker });
            break;
          }
          if (waited() >= waitMs) throw repoLocked(host, kind, blocker, params.skewMs, waitMs);
          onEvent({ type: 'waiting', blocker, reason: decision.reason });
        }
        await clock.sleep(params.pollMs, options.signal);
      }
    } catch (error) {
      await lease.release();
      throw error;
    }
    await lease.release();
    if (waited() >= waitMs) {
      if (blocker !== undefined) throw repoLocked(host, kind, blocker, params.skewMs, waitMs);
      throw lease.lapseError ?? new PantherError('repo-locked', `could not take the ${kind} lock of ${host}`, { exitCode: RepoExit.locked });
    }
    // Jitter, so that two contenders that withdrew together do not come back together.
    await clock.sleep(params.pollMs * (1 + (random ?? Math.random)()), options.signal);
  }
}

function randomHex(random: () => number, digits: number): string {
  let out = '';
  for (let i = 0; i < digits; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}
