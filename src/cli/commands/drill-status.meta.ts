// `panther drill status`: what --help and routing need, cheap to load; ./drill-status.ts runs it.
import type { CommandInfo } from '../command.ts';

export const drillStatusInfo: CommandInfo = {
  name: 'drill status',
  summary: 'the last drill of each level, what it restored and measured, and how long ago it passed',
  usage: 'panther drill status [--plan FILE] [--host NAME] [--state-dir DIR] [--json]',
  help: `  --plan FILE     the host's plan (default $PANTHER_PLAN or /etc/panther/plan.json), for the host name
  --host NAME     whose drills (default: the plan's host)
  --state-dir DIR where drills keep their record (default $PANTHER_STATE_DIR or /var/lib/panther/state)

Reads only the drill record. A drill whose process is gone without a result shows as interrupted.
Exit 0; 1 when the newest drill of any level did not pass.`,
  options: { plan: { type: 'string' }, host: { type: 'string' }, 'state-dir': { type: 'string' } },
};
