import { runTimeline } from '../../snapshot/engine.ts';
import { emit, flag, type Command } from '../command.ts';
import { LOCK_HELP, SNAPSHOT_HELP, SNAPSHOT_OPTIONS, snapshotContext, withHostLock } from '../snapshot-context.ts';

export const snapshotRun: Command = {
  name: 'snapshot run',
  summary: 'create the snapshots that are due for every planned subvolume, then prune (what the timers call)',
  usage: 'panther snapshot run [--plan FILE] [--root DIR] [--now ISO] [--dry-run] [--json]',
  help: `${SNAPSHOT_HELP}
${LOCK_HELP}
  --dry-run      say what would be created and deleted, change nothing

A tier is due when its current period (its 15-minute slot, hour, local day, ISO week, month)
holds no timeline snapshot yet; see docs/RETENTION.md. Exit 1 if any subvolume failed.`,
  options: { ...SNAPSHOT_OPTIONS, 'dry-run': { type: 'boolean' } },
  async run(values, _positionals, io) {
    const ctx = await snapshotContext(values, io);
    const report = await withHostLock(values, 'snapshot run', () => runTimeline(ctx, ctx.now(), flag(values, 'dry-run')));
    emit(io, report, () => [
      ...report.created.map((c) => `${report.dryRun ? 'would create' : 'created'} ${c.name ?? c.subvolume} (${c.tiers.join(', ')})${c.degraded ? ' DEGRADED: a fail-open hook failed' : ''}`),
      ...report.failed.map((f) => `FAILED ${f.subvolume}: ${f.error}`),
      ...report.pruned.filter((p) => !p.decision.keep).map((p) => `${report.dryRun ? 'would delete' : 'deleted'} ${p.name}: ${p.decision.reasons.join('; ')}`),
      `${report.created.length} created, ${report.pruned.filter((p) => !p.decision.keep).length} pruned, ${report.pruned.filter((p) => p.decision.keep).length} kept, ${report.failed.length} failed`,
    ].join('\n'));
    return report.failed.length > 0 ? 1 : 0;
  },
};
