// Repository locks around the operations (docs/FORMAT.md §6): backup, check and restore share the
// lock; prune holds it alone. A lock lost mid-run aborts the work through its signal.
import { acquireRepoLock, describeLock, type LockKind, type LockParams } from '../repo/lock/index.ts';
import type { Repository } from '../repo/index.ts';

/** A local directory lists what was just written: no settle delay is needed for list lag. */
export const LOCAL_LOCK_PARAMS: Partial<LockParams> = { settleMs: 0 };

export function isLocalUrl(url: string): boolean {
  return !/^[a-z0-9]+:\/\//i.test(url) || url.startsWith('file://');
}

export async function withRepoLock<T>(repo: Repository, kind: LockKind, holder: string, url: string,
  fn: (signal: AbortSignal, verify: () => Promise<void>) => Promise<T>, waitMs = 0, log?: (line: string) => void): Promise<T> {
  const lock = await acquireRepoLock(repo.backend, repo.host, kind, {
    holder, waitMs, ...(isLocalUrl(url) ? { params: LOCAL_LOCK_PARAMS } : {}),
    // A lock removed for an impossible expiry is worth telling: something wrote a broken lock.
    onEvent: (event) => { if (event.type === 'stale-removed' && event.lock.problem !== undefined) log?.(`removed stale lock: ${describeLock(event.lock)}`); },
  });
  try {
    return await fn(lock.signal, () => lock.verify());
  } finally {
    await lock.release();
  }
}
