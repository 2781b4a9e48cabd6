// `panther backup prune`: what --help and routing need, cheap to load; ./backup-prune.ts runs it.
import type { CommandInfo } from '../command.ts';
import { BACKUP_LOCK_HELP, REPO_HELP, REPO_OPTIONS, SNAPSHOT_HELP, SNAPSHOT_OPTIONS } from '../options.ts';

export const backupPruneCommandInfo: CommandInfo = {
  name: 'backup prune',
  summary: 'delete backup points retention no longer keeps (never a parent a kept point needs) and their data',
  usage: 'panther backup prune [--dry-run] [--json]',
  help: `${SNAPSHOT_HELP}
${REPO_HELP}
${BACKUP_LOCK_HELP}
  --dry-run   show every point's decision and what would be freed
  --state-dir DIR   the host's record of completed points (default $PANTHER_STATE_DIR or
                    /var/lib/panther/state): pruned points leave it first, so check does not
                    report them as vanished`,
  options: { ...SNAPSHOT_OPTIONS, ...REPO_OPTIONS, 'dry-run': { type: 'boolean' }, 'state-dir': { type: 'string' } },
};
