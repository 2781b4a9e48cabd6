import { backupRun } from '../../backup/run.ts';
import { openRepo } from '../../backup/open.ts';
import { formatBytes } from '../../core/bytes.ts';
import { emit, flag, type Command } from '../command.ts';
import { backupProgressPrinter } from '../output/progress.ts';
import { REPO_HELP, REPO_OPTIONS, repoLocation } from '../repo-options.ts';
import { LOCK_HELP, SNAPSHOT_HELP, SNAPSHOT_OPTIONS, snapshotContext, withHostLock } from '../snapshot-context.ts';

export const backupRunCommand: Command = {
  name: 'backup run',
  summary: 'send the due snapshots of every backed-up subvolume into the repository (what the nightly timer calls)',
  usage: 'panther backup run [--subvol NAME …] [--dry-run] [--max-chain N] [--json]',
  help: `${SNAPSHOT_HELP}
${REPO_HELP}
${LOCK_HELP}
  --subvol NAME   only these subvolumes (repeatable)
  --dry-run       say what would be sent (full or incremental, against what), send nothing
  --max-chain N   longest incremental chain before a (deduplicated) full send; default 14

Incremental against the newest backed-up snapshot still on disk; that snapshot stays held so
snapshot retention keeps it. A run interrupted at any point leaves a consistent repository; the
next run stores only what is missing. Exit 1 if any subvolume failed.`,
  options: { ...SNAPSHOT_OPTIONS, ...REPO_OPTIONS, subvol: { type: 'string', multiple: true }, 'dry-run': { type: 'boolean' }, 'max-chain': { type: 'string' } },
  async run(values, _positionals, io) {
    const engine = await snapshotContext(values, io);
    const repo = await openRepo(repoLocation(values, engine.plan));
    const subvolumes = values['subvol'] as string[] | undefined;
    const maxChain = values['max-chain'] === undefined ? undefined : Number(values['max-chain']);
    const report = await withHostLock(values, 'backup run', () => backupRun({
      engine, repo, now: engine.now(), dryRun: flag(values, 'dry-run'),
      ...(subvolumes === undefined ? {} : { subvolumes }),
      ...(maxChain === undefined ? {} : { maxChain }),
      ...(engine.signal === undefined ? {} : { signal: engine.signal }),
      onProgress: backupProgressPrinter(io),
    }));
    emit(io, report, () => report.items.map((i) => {
      if (i.error !== undefined) return `${i.subvolume}: FAILED ${i.error}`;
      const what = `${i.subvolume}: ${i.choice.kind}${i.snapshot === null ? '' : ` ${i.snapshot}`} (${i.choice.reason})`;
      const p = i.progress;
      return p === undefined ? what : `${what}: stream ${formatBytes(p.bytesRead)}, new ${formatBytes(p.newBytes)}, dedup ${formatBytes(p.dedupBytes)}, stored ${formatBytes(p.storedBytes)} → point ${i.point?.slice(0, 12)}`;
    }).join('\n') || 'nothing to back up');
    return report.items.some((i) => i.error !== undefined) ? 1 : 0;
  },
};
