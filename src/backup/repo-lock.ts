// Repository locks around the operations (docs/FORMAT.md §6): backup, check and restore share the
// lock; prune holds it alone. A lock lost mid-run aborts the work through its signal. The margins
// come from the backend's properties (Repository.lock), not from the repository URL.
import { describeLock, type LockKind } from '../repo/lock/index.ts';
import type { RepositoryLocking } from '../repo/index.ts';

export async function withRepoLock<T>(repo: RepositoryLocking, kind: LockKind, holder: string,
  fn: (signal: AbortSignal, verify: () => Promise<void>) => Promise<T>, waitMs = 0, log?: (line: string) => void): Promise<T> {
  const lock = await repo.lock(kind, {
    holder, waitMs,
    // A lock removed for an impossible expiry is worth telling: something wrote a broken lock.
    onEvent: (event) => { if (event.type === 'stale-removed' && event.lock.problem !== undefined) log?.(`removed stale lock: ${describeLock(event.lock)}`); },
  });
  try {
    return await fn(lock.signal, () => lock.verify());
  } finally {
    await lock.release();
  }
}
