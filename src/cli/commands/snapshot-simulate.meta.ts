// `panther snapshot simulate`: what --help and routing need, cheap to load; ./snapshot-simulate.ts runs it.
import type { CommandInfo } from '../command.ts';
import { PLAN_INPUT_OPTIONS } from '../options.ts';

export const TIER_FLAGS = ['frequent', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;

export const snapshotSimulateInfo: CommandInfo = {
  name: 'snapshot simulate',
  summary: 'play a snapshot schedule forward and show what retention keeps',
  usage: 'panther snapshot simulate [--daily N --weekly N --monthly N …] [--plan FILE | --host NAME] [--timezone TZ] [--days D] [--start ISO] [--json]',
  help: `Tiers (N = how many of the most recent periods with a snapshot keep their last snapshot; 0 = off):
  --frequent N --frequent-minutes M   slots of M minutes (M must divide a day)
  --hourly N --daily N --weekly N --monthly N --yearly N
Policy from a plan instead (flags above override single tiers):
  --plan FILE | --inventory FILE --host NAME | --profile ID | --host NAME (a built-in profile's host)
  --subvolume NAME      which subvolume's tiers (default: the first one that is snapshotted)
Simulation:
  --timezone TZ         IANA zone of the calendar tiers and the timers (default: the plan's, else UTC)
  --days D              how many days to play (default 400)
  --start ISO           first instant (default: D days before today, 00:00 UTC)
  --json                the whole SimulationResult: kept snapshots with reasons, a line per day

Timers: the frequent/hourly tiers' interval, daily 02:00, weekly Sunday 03:00, monthly 1st 04:00, local
time; retention runs after every snapshot as \`panther snapshot run\` does. Semantics: docs/RETENTION.md.`,
  options: {
    ...PLAN_INPUT_OPTIONS,
    ...Object.fromEntries(TIER_FLAGS.map((t) => [t, { type: 'string' as const }])),
    'frequent-minutes': { type: 'string' },
    subvolume: { type: 'string' },
    timezone: { type: 'string' },
    days: { type: 'string' },
    start: { type: 'string' },
  },
};
