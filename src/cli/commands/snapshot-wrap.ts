import { wrapCommand } from '../../snapshot/engine.ts';
import { usageError } from '../../core/errors.ts';
import { emit, type Command } from '../command.ts';
import { LOCK_HELP, SNAPSHOT_HELP, SNAPSHOT_OPTIONS, snapshotContext, withHostLock } from '../snapshot-context.ts';

export const snapshotWrap: Command = {
  name: 'snapshot wrap',
  summary: 'snapshot before and after a command (an upgrade, a migration) and record how it ended',
  usage: 'panther snapshot wrap [--subvol NAME …] [--tag T …] -- <command> [args…]',
  help: `${SNAPSHOT_HELP}
${LOCK_HELP}
  --subvol NAME  which subvolumes (repeatable; default every snapshotted subvolume of the plan)
  --tag T        label both snapshots

Exits with the command's own exit code, so it can stand in for the command in scripts.`,
  options: { ...SNAPSHOT_OPTIONS, subvol: { type: 'string', multiple: true }, tag: { type: 'string', multiple: true } },
  positionals: true,
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
