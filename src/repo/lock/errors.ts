// The lock's errors. `repo-locked` uses restic's exit code 11 (RepoExit.locked) so scripts can
// tell "try again later" from a failure; it names the blocking lock, its holder and when it lapses.
import { PantherError } from '../../core/errors.ts';
import { RepoExit } from '../errors.ts';
import type { LockEntry } from './observe.ts';
import type { LockKind } from './lock-object.ts';
import { expiresMs } from './lock-object.ts';

export function describeLock(entry: LockEntry): string {
  const c = entry.content;
  if (c === undefined) return `lock object ${entry.name}${entry.problem === undefined ? '' : ` (${entry.problem})`}`;
  const since = c.state === 'held' ? `held since ${c.acquired ?? c.created}` : `waiting for the lock since ${c.created}`;
  const problem = entry.problem === undefined ? '' : `; ${entry.problem}`;
  return `${c.kind} lock of "${c.holder}" (pid ${c.pid} on ${c.hostname}), ${since}${problem}`;
}

export function repoLocked(host: string, wanted: LockKind, blocker: LockEntry, skewMs: number, waitMs: number): PantherError {
  const c = blocker.content;
  const lapse = c === undefined ? undefined : new Date(expiresMs(c) + skewMs).toISOString();
  const waited = waitMs > 0 ? ` within ${Math.round(waitMs / 1000)} s` : '';
  return new PantherError('repo-locked', `repository of ${host} is locked: cannot take the ${wanted} lock${waited}; ${describeLock(blocker)}`, {
    subject: blocker.name,
    exitCode: RepoExit.locked,
    hint: lapse === undefined
      ? `the lock object is not one this version understands; if no panther process is using ${host}, run "panther backup unlock --force"`
      : `wait for it to finish (or wait longer); if that process is gone, its lock lapses at ${lapse} and is taken over then, and "panther backup unlock" removes it once lapsed; "panther backup unlock --force" removes every lock at once, only when you know no panther process is using ${host}`,
    details: {
      lock: blocker.name, kind: blocker.kind, ...(c === undefined ? { problem: blocker.problem } : {
        holder: c.holder, hostname: c.hostname, pid: c.pid, state: c.state, since: c.acquired ?? c.created, expires: c.expires, lapses: lapse,
      }),
    },
  });
}

export function lockLost(name: string, why: string): PantherError {
  return new PantherError('lock-lost', `lost repository lock ${name}: ${why}`, {
    subject: name,
    exitCode: RepoExit.locked,
    hint: 'the work was stopped before the lease ran out, so another process may now take the lock; the next run resumes (check the backend connection if refreshes fail)',
  });
}
