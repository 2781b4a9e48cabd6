// `panther snapshot prune`: what --help and routing need, cheap to load; ./snapshot-prune.ts runs it.
import type { CommandInfo } from '../command.ts';
import { LOCK_HELP, SNAPSHOT_HELP, SNAPSHOT_OPTIONS } from '../options.ts';

export const snapshotPruneInfo: CommandInfo = {
  name: 'snapshot prune',
  summary: 'apply timeline retention: delete what no tier keeps (never the newest, pinned or held)',
  usage: 'panther snapshot prune [--dry-run] [--json]',
  help: `${SNAPSHOT_HELP}
${LOCK_HELP}
  --dry-run      show every decision with its reason, delete nothing`,
  options: { ...SNAPSHOT_OPTIONS, 'dry-run': { type: 'boolean' } },
};
