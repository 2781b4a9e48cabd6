// Repository locks on a store without conditional writes: leases on uniquely named objects under
// `<host>/locks/`, a settle delay for list lag, and a rule that never lets an exclusive holder and
// any other holder coexist (docs/FORMAT.md §6). Start at acquire.ts, then lease.ts.
export { acquireRepoLock } from './acquire.ts';
export type { AcquireOptions } from './acquire.ts';
export { listRepoLocks, removeStaleLocks } from './admin.ts';
export type { LockAdminOptions, RemoveLocksReport } from './admin.ts';
export type { LockEvent, LockInfo, RepoLock } from './lease.ts';
export type { LockEntry } from './observe.ts';
export type { LockContent, LockKind } from './lock-object.ts';
export { LOCK_KINDS, locksPrefix } from './lock-object.ts';
export type { LockParams } from './params.ts';
export { DEFAULT_LOCK_PARAMS, lockParamProblems, lockParamsFor, mergeLockParams } from './params.ts';
export type { LockClock } from './clock.ts';
export { systemClock } from './clock.ts';
export { describeLock } from './errors.ts';
