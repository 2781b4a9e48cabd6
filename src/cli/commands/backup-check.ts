import { openRepo } from '../../backup/open.ts';
import { withRepoLock } from '../../backup/repo-lock.ts';
import { withDescendants } from '../../backup/chain.ts';
import { loadPoints } from '../../backup/points.ts';
import { usageError } from '../../core/errors.ts';
import { emit, str, type Command } from '../command.ts';
import { optionalPlan, REPO_HELP, REPO_OPTIONS, resolveRepoLocation } from '../repo-options.ts';

export const backupCheck: Command = {
  name: 'backup check',
  summary: 'verify the repository: structure always, content with --read-data',
  usage: 'panther backup check [--read-data[=PERCENT]] [--json]',
  help: `${REPO_HELP}
  --read-data PERCENT   also download, decrypt and verify this share of the packs (default 100 when
                        given without a value is not possible with this parser: pass a number, e.g. 100)

Every problem names the object and the backup points it affects. Exit 1 when any is found.`,
  options: { ...REPO_OPTIONS, plan: { type: 'string' }, 'read-data': { type: 'string' } },
  async run(values, _positionals, io) {
    const percentText = str(values, 'read-data');
    const readData = percentText === undefined ? 0 : Number(percentText.replace(/%$/, ''));
    if (!(readData >= 0 && readData <= 100)) throw usageError(`--read-data ${percentText}: a percentage from 0 to 100`);
    const location = await resolveRepoLocation(values, await optionalPlan(values), io);
    const repo = await openRepo(location);
    const report = await withRepoLock(repo, 'shared', 'backup check', location.url, () => repo.check({ readData, onProgress: (phase, done, total) => { if (io.tty) process.stderr.write(`\r\x1b[K${phase} ${done}/${total}`); } }));
    // A point is restorable only with its whole chain: damage to one point costs every later incremental.
    const points = await loadPoints(repo);
    for (const problem of report.problems) problem.manifests = withDescendants(points, problem.manifests);
    emit(io, report, () => [
      ...report.problems.map((p) => `${p.severity.toUpperCase()} ${p.code} ${p.object}: ${p.message}${p.manifests.length === 0 ? '' : `\n  affects: ${p.manifests.join(', ')}`}`),
      `${report.ok ? 'no errors' : 'ERRORS FOUND'}: ${report.stats.manifests} points, ${report.stats.packs} packs, ${report.stats.chunks} chunks; read ${report.stats.packsRead} packs`,
    ].join('\n'));
    return report.ok ? 0 : 1;
  },
};
