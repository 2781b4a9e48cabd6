// `panther metrics collect`: what --help and routing need, cheap to load; ./metrics-collect.ts runs it.
import type { CommandInfo } from '../command.ts';
import { METRICS_COLLECT_HELP, METRICS_COLLECT_OPTIONS } from '../metrics-options.ts';

export const metricsCollectInfo: CommandInfo = {
  name: 'metrics collect',
  summary: 'read the snapshot catalog, backup state, cost ledger and btrfs figures once; send them as gauges',
  usage: 'panther metrics collect [--plan FILE] [--root DIR] [--state-dir DIR] [--now ISO] [--snapshot-sizes] [--json]',
  help: `${METRICS_COLLECT_HELP}
  --now ISO         act as if it were this time

Sends every collector gauge of docs/METRICS.md over DogStatsD (UDP, to DD_AGENT_HOST:DD_DOGSTATSD_PORT,
default 127.0.0.1:8125, with DD_TAGS on each; PANTHER_METRICS=off sends nothing) and prints them.
Read-only: no state file is written. A reading that fails (a pool not mounted, a damaged state file)
is a warning and a missing series, never a failed run; an agent that is down loses the figures and
nothing else. Meant for a timer (every few minutes).`,
  options: { ...METRICS_COLLECT_OPTIONS, now: { type: 'string' } },
};
