// `panther snapshot diff`: what --help and routing need, cheap to load; ./snapshot-diff.ts runs it.
import type { CommandInfo } from '../command.ts';
import { SNAPSHOT_HELP, SNAPSHOT_OPTIONS } from '../options.ts';

export const snapshotDiffInfo: CommandInfo = {
  name: 'snapshot diff',
  summary: 'list the paths that changed between two snapshots of one subvolume (read from btrfs, no tree walk)',
  usage: 'panther snapshot diff <older> <newer> [--json]',
  help: `${SNAPSHOT_HELP}

Reads the metadata-only incremental send stream (btrfs send --no-data -p OLDER NEWER), so the cost
grows with what changed, not with the size of the trees.`,
  options: SNAPSHOT_OPTIONS,
  positionals: true,
};
