// `panther snapshot wrap`: what --help and routing need, cheap to load; ./snapshot-wrap.ts runs it.
import type { CommandInfo } from '../command.ts';
import { LOCK_HELP, SNAPSHOT_HELP, SNAPSHOT_OPTIONS } from '../options.ts';

export const snapshotWrapInfo: CommandInfo = {
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
};
