// `panther snapshot run`: what --help and routing need, cheap to load; ./snapshot-run.ts runs it.
import type { CommandInfo } from '../command.ts';
import { LOCK_HELP, SNAPSHOT_HELP, SNAPSHOT_OPTIONS } from '../options.ts';

export const snapshotRunInfo: CommandInfo = {
  name: 'snapshot run',
  summary: 'create the snapshots that are due for every planned subvolume, then prune (what the timers call)',
  usage: 'panther snapshot run [--plan FILE] [--root DIR] [--now ISO] [--dry-run] [--json]',
  help: `${SNAPSHOT_HELP}
${LOCK_HELP}
  --dry-run      say what would be created and deleted, change nothing

A tier is due when its current period (its 15-minute slot, hour, local day, ISO week, month)
holds no timeline snapshot yet; see docs/RETENTION.md. Exit 1 if any subvolume failed.`,
  options: { ...SNAPSHOT_OPTIONS, 'dry-run': { type: 'boolean' } },
};
