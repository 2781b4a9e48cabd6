import { checkBackups, describeProblem, recordLine } from '../../backup/check.ts';
import { openRepoReader } from '../../backup/open.ts';
import { backupCheckEvents } from '../../metrics/from-reports.ts';
import { emit, type Command } from '../command.ts';
import { isRunFailure, sendRunMetrics, withFailureMetrics } from '../run-metrics.ts';
import { percentFlag } from '../flags.ts';
import { stateDirOf } from '../options.ts';
import { optionalPlan, resolveRepoLocation } from '../repo-options.ts';
import { backupCheckInfo } from './backup-check.meta.ts';

export const backupCheck: Command = {
  ...backupCheckInfo,
  async run(values, _positionals, io) {
    const readData = percentFlag(values, 'read-data');
    const location = await resolveRepoLocation(values, await optionalPlan(values), io);
    const { repo, report } = await withFailureMetrics(values, io, location.host, async () => {
      const repo = await openRepoReader(location);
      const report = await checkBackups(repo, {
        readData, stateDir: stateDirOf(values), log: (l) => io.err(l),
        onProgress: (phase, done, total) => { if (io.tty) process.stderr.write(`\r\x1b[K${phase} ${done}/${total}`); },
      });
      return { repo, report };
    }, (error) => isRunFailure(error) ? backupCheckEvents(location.host, false) : []);
    const record = report.record;
    emit(io, report, () => [
      ...report.problems.map(describeProblem),
      recordLine(record, repo.id),
      `${report.ok ? 'no errors' : 'ERRORS FOUND'}: ${report.stats.manifests} points, ${report.stats.packs} packs, ${report.stats.chunks} chunks; read ${report.stats.packsRead} packs`,
    ].join('\n'));
    await sendRunMetrics(values, io, location.host, backupCheckEvents(location.host, report.ok));
    return report.ok ? 0 : 1;
  },
};
