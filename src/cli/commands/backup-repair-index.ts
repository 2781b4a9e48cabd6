import { openRepoWriter } from '../../backup/open.ts';
import { withRepoLock } from '../../backup/repo-lock.ts';
import { formatBytes } from '../../core/bytes.ts';
import type { RepairReport } from '../../repo/index.ts';
import { emit, flag, type Command } from '../command.ts';
import { optionalPlan, repoLocation } from '../repo-options.ts';
import { backupRepairIndexInfo } from './backup-repair-index.meta.ts';

export const backupRepairIndex: Command = {
  ...backupRepairIndexInfo,
  async run(values, _positionals, io) {
    const location = repoLocation(values, await optionalPlan(values));
    const repo = await openRepoWriter(location);
    const dryRun = flag(values, 'dry-run');
    const onProgress = (phase: string, done: number, total: number): void => { if (io.tty) process.stderr.write(`\r\x1b[K${phase} ${done}/${total}`); };
    // A dry run changes nothing, so backups may go on; the repair replaces the index under the exclusive lock.
    const report = await withRepoLock(repo, dryRun ? 'shared' : 'exclusive', 'backup repair-index', async (_signal, verify) => {
      if (dryRun) return repo.repairIndex({ dryRun, onProgress });
      await verify();
      const result = await repo.repairIndex({ onProgress, beforeDelete: verify });
      await verify();
      return result;
    }, 0, (l) => io.err(l));
    if (io.tty) process.stderr.write('\r\x1b[K');
    emit(io, report, () => describe(report));
    return report.packs.unreadable.some((p) => !p.keptFromSegment) ? 1 : 0;
  },
};

function describe(r: RepairReport): string {
  const lines = [
    ...r.segments.damaged.map((d) => `damaged segment ${d.object}: ${d.reason}`),
    ...r.packs.unreadable.map((p) => `UNREADABLE pack ${p.pack}: ${p.reason}; ${p.keptFromSegment ? 'its entries are kept from an intact old segment' : 'left out of the index (panther backup check names the points affected)'}`),
    `${r.packs.listed} packs listed, ${r.packs.indexed} indexed (${r.chunks} chunks); trailers read: ${formatBytes(r.bytes.read)}`,
    r.dryRun
      ? `would write new index segments (${r.chunks} entries), then delete ${r.segments.deleted.length} old segment(s) (${r.segments.damaged.length} damaged)`
      : `wrote ${r.segments.written.length} segment(s) (${formatBytes(r.bytes.written)}), then deleted ${r.segments.deleted.length} old segment(s) (${r.segments.damaged.length} damaged)`,
  ];
  if (!r.dryRun) lines.push('next: panther backup check --read-data 100 verifies the repository with the new index');
  else lines.push('nothing changed; run without --dry-run to repair');
  return lines.join('\n');
}
