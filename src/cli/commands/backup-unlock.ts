import { openRepo } from '../../backup/open.ts';
import { describeLock, removeStaleLocks } from '../../repo/lock/index.ts';
import { emit, flag, type Command } from '../command.ts';
import { optionalPlan, REPO_HELP, REPO_OPTIONS, resolveRepoLocation } from '../repo-options.ts';

export const backupUnlock: Command = {
  name: 'backup unlock',
  summary: 'remove expired repository locks (with --force, every lock: only when no panther is running)',
  usage: 'panther backup unlock [--force] [--json]',
  help: `${REPO_HELP}
  --force   also remove live locks; only do this when you know their holders are gone (docs/FORMAT.md §6)

A lock whose expiry lies beyond the longest lease the format allows (60 min, plus clock skew) is
stale and removed without --force, saying why (docs/FORMAT.md §6.6).`,
  options: { ...REPO_OPTIONS, plan: { type: 'string' }, force: { type: 'boolean' } },
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
