import { openRepo } from '../../backup/open.ts';
import { withRepoLock } from '../../backup/repo-lock.ts';
import { withDescendants } from '../../backup/chain.ts';
import { loadPoints } from '../../backup/points.ts';
import { pointRecordPath, readPointRecord, type RecordedPointEntry } from '../../backup/point-record.ts';
import { isPantherError, usageError } from '../../core/errors.ts';
import type { CheckProblem } from '../../repo/index.ts';
import { emit, str, type Command } from '../command.ts';
import { optionalPlan, REPO_HELP, REPO_OPTIONS, resolveRepoLocation } from '../repo-options.ts';
import { stateDirOf } from '../options.ts';
import { backupCheckInfo } from './backup-check.meta.ts';

export const backupCheck: Command = {
  ...backupCheckInfo,
  async run(values, _positionals, io) {
    const percentText = str(values, 'read-data');
    const readData = percentText === undefined ? 0 : Number(percentText.replace(/%$/, ''));
    if (!(readData >= 0 && readData <= 100)) throw usageError(`--read-data ${percentText}: a percentage from 0 to 100`);
    const location = await resolveRepoLocation(values, await optionalPlan(values), io);
    const repo = await openRepo(location);
    const stateDir = stateDirOf(values);
    // The record is read under the lock: a prune that finished just before would otherwise leave this
    // check holding points it has since deleted (and forgotten) and report them as vanished.
    const { checked, record } = await withRepoLock(repo, 'shared', 'backup check', location.url, async () => {
      const record = await recordOf(stateDir, repo.host, repo.config.id);
      const checked = await repo.check({
        readData, ...(record.recorded === null ? {} : { recorded: record.recorded }),
        onProgress: (phase, done, total) => { if (io.tty) process.stderr.write(`\r\x1b[K${phase} ${done}/${total}`); },
      });
      return { checked, record: record.summary };
    }, 0, (l) => io.err(l));
    // A point is restorable only with its whole chain: damage to one point costs every later incremental.
    const points = await loadPoints(repo);
    for (const problem of checked.problems) problem.manifests = withDescendants(points, problem.manifests);
    const report = { ...checked, record };
    emit(io, report, () => [
      ...report.problems.map(describeProblem),
      recordLine(record, repo.config.id),
      `${report.ok ? 'no errors' : 'ERRORS FOUND'}: ${report.stats.manifests} points, ${report.stats.packs} packs, ${report.stats.chunks} chunks; read ${report.stats.packsRead} packs`,
    ].join('\n'));
    return report.ok ? 0 : 1;
  },
};

interface RecordSummary { path: string; state: string; points: number; problem?: string }

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

function describeProblem(p: CheckProblem): string {
  const hint = p.hint === undefined ? '' : `\n  hint: ${p.hint}`;
  return `${p.severity.toUpperCase()} ${p.code} ${p.object}: ${p.message}${p.manifests.length === 0 ? '' : `\n  affects: ${p.manifests.join(', ')}`}${hint}`;
}

function recordLine(record: RecordSummary, repository: string): string {
  if (record.state === 'unreadable') return `record of completed points: not compared: ${record.problem}`;
  if (record.state === 'absent') return `record of completed points: ${record.path} does not exist (backup run writes it); points that vanish cannot be noticed without it`;
  if (record.state === 'no-points-of-this-repository') return `record of completed points: ${record.path} holds no point of repository ${repository}`;
  return `record of completed points: ${record.points} point(s) in ${record.path} compared with the repository`;
}
