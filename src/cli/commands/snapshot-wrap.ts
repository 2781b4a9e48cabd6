import { wrapCommand } from '../../snapshot/engine.ts';
import { ExitCode, PantherError, usageError } from '../../core/errors.ts';
import { failedBeforeHooks, hookOutcomesOf } from '../../snapshot/hook-failures.ts';
import { snapshotEvents, wrapOutcome, type SnapshotOutcome } from '../../metrics/from-reports.ts';
import { emit, type Command } from '../command.ts';
import { sendRunMetrics } from '../run-metrics.ts';
import { snapshotContext, withHostLock } from '../snapshot-context.ts';
import { snapshotWrapInfo } from './snapshot-wrap.meta.ts';

export const snapshotWrap: Command = {
  ...snapshotWrapInfo,
  async run(values, positionals, io) {
    if (positionals.length === 0) throw usageError('no command to wrap', 'panther snapshot wrap -- nixos-rebuild switch');
    const ctx = await snapshotContext(values, io);
    const subvolumes = values['subvol'] as string[] | undefined;
    // Each snapshot as it is taken: a wrap that fails half-way returns no report.
    const outcomes: SnapshotOutcome[] = [];
    const observe: Parameters<typeof wrapCommand>[2]['observe'] = (result) => {
      if ('error' in result && result.error instanceof PantherError && result.error.exitCode === ExitCode.usage) return;
      outcomes.push(wrapOutcome(result, (error) => failedBeforeHooks(hookOutcomesOf(error))));
    };
    const report = await withHostLock(values, 'snapshot wrap', () => wrapCommand(ctx, positionals, {
      ...(subvolumes === undefined ? {} : { subvolumes }), tags: (values['tag'] as string[] | undefined) ?? [], clock: ctx.now, observe,
    })).finally(() => sendRunMetrics(values, io, ctx.plan.host, snapshotEvents(ctx.plan.host, outcomes)));
    emit(io, report, () => [
      `before: ${report.before.map((m) => m.name).join(', ')}`,
      `after:  ${report.after.map((m) => m.name).join(', ')}`,
      `command exited ${report.exitCode}`,
    ].join('\n'));
    return report.exitCode;
  },
};
