import { runTimeline } from '../../snapshot/engine.ts';
import { snapshotEvents, snapshotRunOutcomes } from '../../metrics/from-reports.ts';
import { emit, flag, type Command } from '../command.ts';
import { sendRunMetrics } from '../run-metrics.ts';
import { snapshotContext, withHostLock } from '../snapshot-context.ts';
import { snapshotRunInfo } from './snapshot-run.meta.ts';

export const snapshotRun: Command = {
  ...snapshotRunInfo,
  async run(values, _positionals, io) {
    const ctx = await snapshotContext(values, io);
    const report = await withHostLock(values, 'snapshot run', () => runTimeline(ctx, ctx.now(), flag(values, 'dry-run')));
    emit(io, report, () => [
      ...report.created.map((c) => `${report.dryRun ? 'would create' : 'created'} ${c.name ?? c.subvolume} (${c.tiers.join(', ')})${c.degraded ? ' DEGRADED: a fail-open hook failed' : ''}`),
      ...report.failed.map((f) => `FAILED ${f.subvolume}: ${f.error}`),
      ...report.pruned.filter((p) => !p.decision.keep).map((p) => `${report.dryRun ? 'would delete' : 'deleted'} ${p.name}: ${p.decision.reasons.join('; ')}`),
      `${report.created.length} created, ${report.pruned.filter((p) => !p.decision.keep).length} pruned, ${report.pruned.filter((p) => p.decision.keep).length} kept, ${report.failed.length} failed`,
    ].join('\n'));
    await sendRunMetrics(values, io, ctx.plan.host, snapshotEvents(ctx.plan.host, snapshotRunOutcomes(report)));
    return report.failed.length > 0 ? 1 : 0;
  },
};
