// `panther snapshot list`: what --help and routing need, cheap to load; ./snapshot-list.ts runs it.
import type { CommandInfo } from '../command.ts';
import { SNAPSHOT_HELP, SNAPSHOT_OPTIONS } from '../options.ts';

export const snapshotListInfo: CommandInfo = {
  name: 'snapshot list',
  summary: 'list snapshots with their origin, tiers, tags, pins, holds and hook outcomes',
  usage: 'panther snapshot list [--subvol NAME] [--json]',
  help: `${SNAPSHOT_HELP}
  --subvol NAME  only this subvolume's snapshots

The list is read from the metadata stored beside each snapshot; a snapshot whose metadata file is
missing is still listed, rebuilt from its name and btrfs ("rebuilt": true); so is one whose metadata
file is damaged (with a warning naming the file; retention then keeps it, as its pins and holds are
unknown). A metadata file without its snapshot is ignored with a warning.`,
  options: { ...SNAPSHOT_OPTIONS, subvol: { type: 'string' } },
};
