import { createSnapshot } from '../../snapshot/engine.ts';
import { ExitCode, PantherError, usageError } from '../../core/errors.ts';
import { failedBeforeHooks, hookOutcomesOf } from '../../snapshot/hook-failures.ts';
import { failureOutcome, metaOutcome, snapshotEvents } from '../../metrics/from-reports.ts';
import { emit, str, type Command } from '../command.ts';
import { sendRunMetrics, withFailureMetrics } from '../run-metrics.ts';
import { snapshotContext, withHostLock } from '../snapshot-context.ts';
import { snapshotCreateInfo } from './snapshot-create.meta.ts';

export const snapshotCreate: Command = {
  ...snapshotCreateInfo,
  async run(values, positionals, io) {
    const subvolume = positionals[0];
    if (subvolume === undefined || positionals.length > 1) throw usageError('name one subvolume', 'e.g. panther snapshot create @home --tag before-upgrade');
    const ctx = await snapshotContext(values, io);
    const tags = (values['tag'] as string[] | undefined) ?? [];
    const host = ctx.plan.host;
    const meta = await withHostLock(values, 'snapshot create', () => withFailureMetrics(values, io, host, () => createSnapshot(ctx, {
      subvolume, now: ctx.now(), origin: 'manual', tags, description: str(values, 'description') ?? null,
    }), (error) => snapshotFailed(error) ? snapshotEvents(host, [failureOutcome(subvolume, failedBeforeHooks(hookOutcomesOf(error)))]) : []));
    emit(io, meta, () => `created ${meta.name}${meta.degraded ? ' (DEGRADED: a fail-open hook failed)' : ''}`);
    await sendRunMetrics(values, io, host, snapshotEvents(host, [metaOutcome(meta)]));
    return 0;
  },
};

/** A subvolume the plan does not know is a typo, not a failed snapshot. */
function snapshotFailed(error: unknown): boolean {
  return !(error instanceof PantherError && error.exitCode === ExitCode.usage);
}
