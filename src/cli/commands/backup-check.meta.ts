// `panther backup check`: what --help and routing need, cheap to load; ./backup-check.ts runs it.
import type { CommandInfo } from '../command.ts';
import { REPO_HELP, REPO_OPTIONS } from '../options.ts';

export const backupCheckInfo: CommandInfo = {
  name: 'backup check',
  summary: 'verify the repository: structure always, content with --read-data',
  usage: 'panther backup check [--read-data[=PERCENT]] [--state-dir DIR] [--json]',
  help: `${REPO_HELP}
  --read-data PERCENT   also download, decrypt and verify this share of the packs (default 100 when
                        given without a value is not possible with this parser: pass a number, e.g. 100)
  --state-dir DIR       where \`backup run\` records the points it completed (default
                        $PANTHER_STATE_DIR or /var/lib/panther/state); each one the repository no
                        longer has is an error

Every problem names the object and the backup points it affects. A point whose chain is incomplete
is an error; data no point references is a warning. A damaged or missing index segment comes with
the hint to run \`panther backup repair-index\`. Exit 1 when any error is found.`,
  options: { ...REPO_OPTIONS, plan: { type: 'string' }, 'read-data': { type: 'string' }, 'state-dir': { type: 'string' } },
};
