import { openRepoWriter } from '../../backup/open.ts';
import { withRepoLock } from '../../backup/repo-lock.ts';
import { formatBytes } from '../../core/bytes.ts';
import type { RepairReport } from '../../repo/index.ts';
import { emit, flag, type Command } from '../command.ts';
import { optionalPlan, REPO_HELP, REPO_OPTIONS, repoLocation } from '../repo-options.ts';

export const backupRepairIndex: Command = {
  name: 'backup repair-index',
  summary: 'rebuild the index from the pack trailers (after check reports a damaged or missing index segment)',
  usage: 'panther backup repair-index [--dry-run] [--json]',
  help: `${REPO_HELP}
  --dry-run   read and verify every pack's trailer and say what would be written and deleted

Reads each pack's sealed trailer (two small ranged reads per pack, never the blobs), verifies it,
writes new index segments listing every pack whose trailer is sound, and only then deletes the old
segments, damaged ones included (docs/FORMAT.md §5.4). Holds the repository's exclusive lock (no
backup or prune meanwhile). A pack whose trailer cannot be read keeps the entries an intact old
segment had for it; without one its chunks stay out of the index and check names the points
affected. Exit 1 when such a pack was left out.`,
  options: { ...REPO_OPTIONS, plan: { type: 'string' }, 'dry-run': { type: 'boolean' } },
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
