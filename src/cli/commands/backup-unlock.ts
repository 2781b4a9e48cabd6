import { openRepo } from '../../backup/open.ts';
import { describeLock, removeStaleLocks } from '../../repo/lock/index.ts';
import { emit, flag, type Command } from '../command.ts';
import { optionalPlan, resolveRepoLocation } from '../repo-options.ts';
import { backupUnlockInfo } from './backup-unlock.meta.ts';

export const backupUnlock: Command = {
  ...backupUnlockInfo,
  async run(values, _p, io) {
    const repo = await openRepo(await resolveRepoLocation(values, await optionalPlan(values), io));
    const report = await removeStaleLocks(repo.backend, repo.host, { force: flag(values, 'force') });
    emit(io, report, () => [
      ...report.removed.map((e) => `removed: ${describeLock(e)}`),
      ...report.kept.map((e) => `kept (live): ${describeLock(e)}`),
      `${report.removed.length} removed, ${report.kept.length} kept`,
    ].join('\n'));
    return 0;
  },
};
