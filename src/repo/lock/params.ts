// The lock's safety margins, as one object (house-style §3: margins are named data, quoted in
// docs/FORMAT.md §6). Each is an assumption about the world or a promise of the holder; the proof
// in FORMAT.md §6.5 says which inequality needs which.
import { PantherError, ExitCode } from '../../core/errors.ts';
import type { BackendProperties } from '../backend/backend.ts';

export interface LockParams {
  /** How long a lock object stays live after the write that set its expiry began. */
  leaseMs: number;
  /** How often a holder (or waiting contender) rewrites its object with a new expiry. */
  refreshMs: number;
  /**
   * The holder's signal aborts this long before its lease ends (by its own clocks), and its work
   * must have stopped — in-flight requests included — by the end of the lease.
   */
  stopMarginMs: number;
  /** Wait between writing a lock object and the listing that decides: the assumed bound on list lag. */
  settleMs: number;
  /** Assumed bound on the difference between any two participants' wall clocks. */
  skewMs: number;
  /** How often a waiting contender looks again, and how soon a failed refresh is retried. */
  pollMs: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

// 15-minute leases: a crashed holder blocks the others for ~17.5 minutes (lease + skew + one
// poll; up to 19.5 when two clocks differ by the full skew), acceptable for nightly backups and weekly prunes; refreshes every 5 minutes cost one
// free (B2 class A) PUT and leave two chances to refresh before the signal fires at 12 minutes.
// The 3-minute stop margin covers a writer's orderly stop (one 32 MiB pack ≈ 27 s at 10 Mbit/s)
// plus a request timeout. B2 lists are strongly consistent; 10 s of settle covers a lag we have
// not seen. 2 minutes of skew allows a host whose NTP has been off for days.
export const DEFAULT_LOCK_PARAMS: LockParams = {
  leaseMs: 15 * MINUTE,
  refreshMs: 5 * MINUTE,
  stopMarginMs: 3 * MINUTE,
  settleMs: 10 * SECOND,
  skewMs: 2 * MINUTE,
  pollMs: 30 * SECOND,
};

/**
 * The longest lease the format allows (FORMAT.md §6.2). It bounds how long any lock object can stay
 * live: an expiry further ahead than this (plus skew) of an observer's clock was not written by a
 * participant that follows §6.3, and is stale (observe.ts), so no body can block a repository forever.
 */
export const MAX_LEASE_MS = 60 * MINUTE;

/** Every reason the parameters are unusable (empty when fine). */
export function lockParamProblems(p: LockParams): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(p)) {
    if (!Number.isSafeInteger(value) || (value as number) < 0) problems.push(`${key} must be a non-negative integer`);
  }
  if (problems.length > 0) return problems;
  if (p.leaseMs <= 0 || p.refreshMs <= 0 || p.pollMs <= 0) problems.push('leaseMs, refreshMs and pollMs must be positive');
  if (p.leaseMs > MAX_LEASE_MS) problems.push(`leaseMs must be at most ${MAX_LEASE_MS} (the longest lease the format allows)`);
  if (p.stopMarginMs >= p.leaseMs) problems.push('stopMarginMs must be shorter than leaseMs');
  // Two refresh attempts before the signal fires, so one failed PUT does not stop the work.
  if (2 * p.refreshMs > p.leaseMs - p.stopMarginMs) problems.push('need 2 × refreshMs ≤ leaseMs − stopMarginMs');
  if (p.pollMs > p.refreshMs) problems.push('pollMs must be ≤ refreshMs (failed refreshes are retried every pollMs)');
  return problems;
}

export function mergeLockParams(partial: Partial<LockParams> | undefined): LockParams {
  const params: LockParams = { ...DEFAULT_LOCK_PARAMS, ...partial };
  const problems = lockParamProblems(params);
  if (problems.length > 0) {
    throw new PantherError('bad-lock-params', `lock parameters: ${problems.join('; ')}`, {
      exitCode: ExitCode.usage, details: { problems },
      hint: 'see docs/FORMAT.md §6.2 for what each lock parameter promises',
    });
  }
  return params;
}

/**
 * The margins a backend's own properties allow: a store that lists every write at once (a local
 * directory) has no list lag to wait out, so its settle delay is 0. Every other margin stays.
 */
export function lockParamsFor(properties: BackendProperties): Partial<LockParams> {
  return properties.listAfterWriteConsistent ? { settleMs: 0 } : {};
}
