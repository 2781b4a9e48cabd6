// `panther backup status`: what --help and routing need, cheap to load; ./backup-status.ts runs it.
import type { CommandInfo } from '../command.ts';

export const backupStatusInfo: CommandInfo = {
  name: 'backup status',
  summary: 'last night\'s backup, unfinished uploads and the nights they still need, the window now',
  usage: 'panther backup status [--plan FILE] [--host NAME] [--state-dir DIR] [--now ISO] [--json]',
  help: `  --plan FILE     the host's plan, for the window and the cap (default $PANTHER_PLAN or /etc/panther/plan.json)
  --host NAME     whose state to show (default: the plan's host, else the only host in the state directory)
  --state-dir DIR where \`backup run\` keeps progress (default $PANTHER_STATE_DIR or /var/lib/panther/state)
  --now ISO       act as if it were this time

Reads only the state file \`backup run\` writes, never the repository (listing B2 costs money): what
the last runs saw, per subvolume. Remaining nights are estimates at the plan's cap and windows.`,
  options: { plan: { type: 'string' }, host: { type: 'string' }, 'state-dir': { type: 'string' }, now: { type: 'string' } },
};
