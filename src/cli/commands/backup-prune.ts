import { backupPrune } from '../../backup/prune.ts';
import { openRepoWriter } from '../../backup/open.ts';
import { withRepoLock } from '../../backup/repo-lock.ts';
import { formatBytes } from '../../core/bytes.ts';
import { emit, flag, type Command } from '../command.ts';
import { repoLocation } from '../repo-options.ts';
import { stateDirOf } from '../options.ts';
import { snapshotContext, withBackupLock } from '../snapshot-context.ts';
import { backupPruneCommandInfo } from './backup-prune.meta.ts';

export const backupPruneCommand: Command = {
  ...backupPruneCommandInfo,
  async run(values, _positionals, io) {
    const engine = await snapshotContext(values, io);
    const location = repoLocation(values, engine.plan);
    const repo = await openRepoWriter(location);
    const dryRun = flag(values, 'dry-run');
    // Prune holds the repository alone: a writer must never see a pack it relies on deleted. It
    // touches no snapshot on disk, so snapshot runs go on (the backup lock, not the host lock).
    const report = await withBackupLock(values, 'backup prune', () => withRepoLock(repo, 'exclusive', 'backup prune', async (_signal, verify) => {
      await verify();
      const result = await backupPrune(repo, engine.plan, engine.now(), dryRun, stateDirOf(values));
      await verify();
      return result;
    }, 0, (l) => io.err(l)));
    const r = report.repository;
    emit(io, report, () => [
      ...report.decisions.map((d) => `${d.keep ? 'keep  ' : dryRun ? 'delete' : 'DELETED'} ${d.snapshot.padEnd(36)} ${d.reasons.join('; ')}`),
      `packs: ${r.packs.kept} kept, ${r.packs.repacked} repacked, ${r.packs.deleted} deleted; ${formatBytes(r.bytes.deleted)} freed, ${formatBytes(r.bytes.written)} rewritten`,
    ].join('\n'));
    return 0;
  },
};
