import { wrapCommand } from '../../snapshot/engine.ts';
import { usageError } from '../../core/errors.ts';
import { emit, type Command } from '../command.ts';
import { snapshotContext, withHostLock } from '../snapshot-context.ts';
import { snapshotWrapInfo } from './snapshot-wrap.meta.ts';

export const snapshotWrap: Command = {
  ...snapshotWrapInfo,
  async run(values, positionals, io) {
    if (positionals.length === 0) throw usageError('no command to wrap', 'panther snapshot wrap -- nixos-rebuild switch');
    const ctx = await snapshotContext(values, io);
    const subvolumes = values['subvol'] as string[] | undefined;
    const report = await withHostLock(values, 'snapshot wrap', () => wrapCommand(ctx, positionals, {
      ...(subvolumes === undefined ? {} : { subvolumes }), tags: (values['tag'] as string[] | undefined) ?? [], clock: ctx.now,
    }));
    emit(io, report, () => [
      `before: ${report.before.map((m) => m.name).join(', ')}`,
      `after:  ${report.after.map((m) => m.name).join(', ')}`,
      `command exited ${report.exitCode}`,
    ].join('\n'));
    return report.exitCode;
  },
};
