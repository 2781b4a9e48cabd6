// `backup check` beyond the repository's own check: the host's record of completed points (a point
// the repository no longer has is an error), the whole chain a damaged point costs, and the words
// a problem and the record are described with.
import { isPantherError } from '../core/errors.ts';
import type { CheckProblem, CheckReport } from '../repo/index.ts';
import type { RepositoryLocking, RepositoryReader } from '../repo/index.ts';
import { withDescendants } from './chain.ts';
import { pointRecordPath, readPointRecord, type RecordedPointEntry } from './point-record.ts';
import { loadPoints } from './points.ts';
import { withRepoLock } from './repo-lock.ts';

export interface CheckOptions {
  readData: number;
  /** Read this slice of the packs instead of a random share (repo/check: restore drills rotate through them). */
  slice?: { index: number; of: number };
  stateDir: string;
  onProgress?: (phase: string, done: number, total: number) => void;
  log?: (line: string) => void;
}

export type BackupCheckReport = CheckReport & { record: RecordSummary };

/** Checks `repo` against itself and against the host's record, under the repository's shared lock. */
export async function checkBackups(repo: RepositoryReader & RepositoryLocking, options: CheckOptions): Promise<BackupCheckReport> {
  // The record is read under the lock: a prune that finished just before would otherwise leave this
  // check holding points it has since deleted (and forgotten) and report them as vanished.
  const { checked, record } = await withRepoLock(repo, 'shared', 'backup check', async () => {
    const record = await recordOf(options.stateDir, repo.host, repo.id);
    const checked = await repo.check({
      readData: options.readData, ...(record.recorded === null ? {} : { recorded: record.recorded }),
      ...(options.slice === undefined ? {} : { slice: options.slice }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    return { checked, record: record.summary };
  }, 0, options.log);
  // A point is restorable only with its whole chain: damage to one point costs every later incremental.
  const points = await loadPoints(repo);
  for (const problem of checked.problems) problem.manifests = withDescendants(points, problem.manifests);
  return { ...checked, record };
}

export interface RecordSummary { path: string; state: string; points: number; problem?: string }

/** This repository's points in the host's record, and how the record looked. A damaged record does not stop the check. */
async function recordOf(stateDir: string, host: string, repository: string): Promise<{ recorded: RecordedPointEntry[] | null; summary: RecordSummary }> {
  const path = pointRecordPath(stateDir, host);
  let read;
  try {
    read = await readPointRecord(stateDir, host);
  } catch (error) {
    if (!isPantherError(error)) throw error;
    return { recorded: null, summary: { path, state: 'unreadable', points: 0, problem: `${error.message}${error.hint === undefined ? '' : ` (${error.hint})`}` } };
  }
  if (read === null) return { recorded: null, summary: { path, state: 'absent', points: 0 } };
  const recorded = read.points.filter((p) => p.repository === repository);
  return { recorded, summary: { path, state: recorded.length === 0 ? 'no-points-of-this-repository' : 'compared', points: recorded.length } };
}

export function describeProblem(p: CheckProblem): string {
  const hint = p.hint === undefined ? '' : `\n  hint: ${p.hint}`;
  return `${p.severity.toUpperCase()} ${p.code} ${p.object}: ${p.message}${p.manifests.length === 0 ? '' : `\n  affects: ${p.manifests.join(', ')}`}${hint}`;
}

export function recordLine(record: RecordSummary, repository: string): string {
  if (record.state === 'unreadable') return `record of completed points: not compared: ${record.problem}`;
  if (record.state === 'absent') return `record of completed points: ${record.path} does not exist (backup run writes it); points that vanish cannot be noticed without it`;
  if (record.state === 'no-points-of-this-repository') return `record of completed points: ${record.path} holds no point of repository ${repository}`;
  return `record of completed points: ${record.points} point(s) in ${record.path} compared with the repository`;
}
