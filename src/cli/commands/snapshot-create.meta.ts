// `panther snapshot create`: what --help and routing need, cheap to load; ./snapshot-create.ts runs it.
import type { CommandInfo } from '../command.ts';
import { LOCK_HELP, SNAPSHOT_HELP, SNAPSHOT_OPTIONS } from '../options.ts';

export const snapshotCreateInfo: CommandInfo = {
  name: 'snapshot create',
  summary: 'take a manual read-only snapshot of one subvolume (hooks run as configured)',
  usage: 'panther snapshot create <subvolume> [--tag T …] [--description TEXT] [--json]',
  help: `${SNAPSHOT_HELP}
${LOCK_HELP}
  --tag T          label it (repeatable)
  --description    free text kept with the snapshot

Manual snapshots are never thinned by timeline retention; delete them with panther snapshot delete.`,
  options: { ...SNAPSHOT_OPTIONS, tag: { type: 'string', multiple: true }, description: { type: 'string' } },
  positionals: true,
};
