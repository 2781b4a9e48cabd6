// What `panther backup lock list` and `panther backup unlock` need: every lock of a host with its
// verdict, and removal of the expired ones (safe at any time, §6.6) or of all of them (--force:
// the operator's word that no panther process is using the repository).
import type { Backend } from '../backend/backend.ts';
import { assertHost } from '../names.ts';
import type { LockClock } from './clock.ts';
import { systemClock } from './clock.ts';
import type { LockParams } from './params.ts';
import { mergeLockParams } from './params.ts';
import type { LockEntry } from './observe.ts';
import { observeLocks } from './observe.ts';

export interface LockAdminOptions {
  clock?: LockClock;
  params?: Partial<LockParams>;
}

/** Every lock object of `host`, read and judged (live / expired / unreadable) by this clock. */
export async function listRepoLocks(backend: Backend, host: string, options: LockAdminOptions = {}): Promise<LockEntry[]> {
  assertHost(host);
  return observeLocks(backend, host, { clock: options.clock ?? systemClock, params: mergeLockParams(options.params), removeExpired: false });
}

export interface RemoveLocksReport {
  removed: LockEntry[];
  /** Live or unreadable locks left in place (always empty with force). */
  kept: LockEntry[];
}

export async function removeStaleLocks(backend: Backend, host: string, options: LockAdminOptions & { force?: boolean } = {}): Promise<RemoveLocksReport> {
  const entries = await listRepoLocks(backend, host, options);
  const report: RemoveLocksReport = { removed: [], kept: [] };
  for (const entry of entries) {
    if (options.force === true || entry.status === 'expired') {
      await backend.delete(entry.name);
      report.removed.push(entry);
    } else {
      report.kept.push(entry);
    }
  }
  return report;
}
