// `panther snapshot delete`: what --help and routing need, cheap to load; ./snapshot-delete.ts runs it.
import type { CommandInfo } from '../command.ts';
import { LOCK_HELP, SNAPSHOT_HELP, SNAPSHOT_OPTIONS } from '../options.ts';

export const snapshotDeleteInfo: CommandInfo = {
  name: 'snapshot delete',
  summary: 'delete one snapshot (refused when pinned or held, unless --force)',
  usage: 'panther snapshot delete <name> [--force] [--json]',
  help: `${SNAPSHOT_HELP}
${LOCK_HELP}
  --force        also delete a pinned or held snapshot (a held one may be a backup parent)`,
  options: { ...SNAPSHOT_OPTIONS, force: { type: 'boolean' } },
  positionals: true,
};
