// One look at the locks of a host: list `<host>/locks/`, read the objects that matter, judge each
// live, expired or unreadable by this observer's clock, and (if asked) delete the expired ones.
// Deleting someone else's expired lock is safe: an expired holder has already stopped (§6.5).
import type { Backend } from '../backend/backend.ts';
import type { LockClock } from './clock.ts';
import type { LockParams } from './params.ts';
import { MAX_LEASE_MS } from './params.ts';
import type { LockContent, LockKind, LockName } from './lock-object.ts';
import { decodeLock, expiresMs, locksPrefix, parseLockName } from './lock-object.ts';
import { hostname } from 'node:os';

export interface LockEntry extends LockName {
  /**
   * live: may be held. expired: past expiry + skew by this observer's clock. unreadable: the body
   * is not a lock this reader understands (treated as a live exclusive lock). unread: not fetched,
   * because it cannot conflict with the observer (a shared lock seen by a shared contender).
   */
  status: 'live' | 'expired' | 'unreadable' | 'unread';
  content?: LockContent;
  problem?: string;
  /** Deleted by this observation (expired). */
  removed?: boolean;
}

export interface ObserveOptions {
  clock: LockClock;
  params: LockParams;
  /** Read only the objects whose name says this kind; undefined = read all. */
  readKinds?: readonly LockKind[];
  removeExpired: boolean;
  /** Never judged or deleted: the observer's own object. */
  own?: string;
}

export async function observeLocks(backend: Backend, host: string, options: ObserveOptions): Promise<LockEntry[]> {
  const listed: LockName[] = [];
  for await (const info of backend.list(locksPrefix(host))) {
    const parsed = parseLockName(host, info.name);
    if (parsed !== undefined) listed.push(parsed);
  }
  const entries: LockEntry[] = [];
  for (const parsed of listed) {
    // Its presence is all that matters about one's own object; its body is known.
    if (parsed.name === options.own) {
      entries.push({ ...parsed, status: 'live' });
      continue;
    }
    if (options.readKinds !== undefined && !options.readKinds.includes(parsed.kind)) {
      entries.push({ ...parsed, status: 'unread' });
      continue;
    }
    // The clock is read before the GET: the body then reflects every write that completed before
    // this reading, which is what makes an "expired" verdict safe (§6.5, step 3).
    const judgedAt = options.clock.now();
    let bytes: Uint8Array;
    try {
      bytes = await backend.get(parsed.name);
    } catch (error) {
      if ((error as { code?: string }).code === 'object-not-found') continue; // released since the list
      throw error;
    }
    const content = decodeLock(host, parsed, bytes);
    if (typeof content === 'string') {
      entries.push({ ...parsed, status: 'unreadable', problem: `lock object ${parsed.name} ${content}` });
      continue;
    }
    // A holder on this machine whose process is gone cannot be doing anything: its lock is stale now,
    // not only when its lease runs out (as restic does). Other hosts are judged by the lease alone.
    const beyond = beyondLongestLease(content, judgedAt, options.params.skewMs);
    const expired = beyond !== undefined || judgedAt > expiresMs(content) + options.params.skewMs || deadOnThisHost(content.hostname, content.pid);
    const entry: LockEntry = { ...parsed, status: expired ? 'expired' : 'live', content, ...(beyond === undefined ? {} : { problem: beyond }) };
    if (expired && options.removeExpired) {
      await backend.delete(parsed.name);
      entry.removed = true;
    }
    entries.push(entry);
  }
  return entries;
}

/**
 * Why a lock's expiry is impossible, or undefined. A participant that follows §6.3 under A3 wrote its
 * expiry at most MAX_LEASE_MS after a wall-clock reading at most skewMs ahead of ours; a lock whose
 * expiry lies further ahead (a clock set to 2099, a hand-edited body) would otherwise block forever.
 */
export function beyondLongestLease(content: LockContent, judgedAt: number, skewMs: number): string | undefined {
  if (expiresMs(content) <= judgedAt + MAX_LEASE_MS + skewMs) return undefined;
  return `its expiry ${content.expires} lies beyond the longest lease the format allows (${MAX_LEASE_MS / 60_000} min after now, plus ${Math.round(skewMs / 1000)} s of clock skew): `
    + 'its writer\'s clock or body is wrong, so it is stale (docs/FORMAT.md §6.6)';
}

function deadOnThisHost(host: string, pid: number): boolean {
  if (host !== hostname() || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
