// `panther cost simulate`: what --help and routing need, cheap to load; ./cost-simulate.ts runs it.
import type { CommandInfo } from '../command.ts';

export const costSimulateCommandInfo: CommandInfo = {
  name: 'cost simulate',
  summary: "a fleet's stored TB, monthly bill and nights to seed over a year: our repository vs btrbk raw files",
  usage: 'panther cost simulate [--fleet FILE] [--start YYYY-MM] [--months N] [--budget USD] [--prices FILE] [--json]',
  help: `Plays each host's backups day by day (seed over the nightly windows, then a point a night,
retention every night) for two approaches with the same data, tiers and windows:
  panther    zstd + dedup; incremental until a chain holds 14 streams, then a full send that dedups
             against the store; kept points keep their chains
  btrbk-raw  btrfs send | zstd files, no dedup; a full at the first backup of each month, daily
             incrementals; every kept month costs its full plus its incrementals
Storage model (src/cost/chain-model.ts): a host's data F changes by r a day on a hot set h·F; two states
g days apart differ in h·(1 − (1 − r/h)^g) of F; incrementals store that difference, raw fulls store F,
deduplicated fulls store F once plus, per older kept full, the part changed before the next kept one.

  --fleet FILE    JSON over the default fleet: { "budgetUsd", "compression", "dedup", "hotFraction",
                  "maxChain", "linkEfficiency", "callsPerRun": {"B","C"}, "hosts": [ { "name", "usedGB",
                  "dailyChange", "hotFraction", "growthPerMonth", "retention": {"daily","weekly","monthly",
                  "yearly"}, "window": {"weekdays","weekends"}, "staggerMinutes", "bandwidthBitsPerSecond",
                  "budgetUsd" } ] }; hosts named like the spec's inherit their defaults
  --start YYYY-MM first month (default: next month)
  --months N      months to play (default 12)
  --budget USD    the fleet's monthly budget (default $10, the spec's upper bound)
  --prices FILE   as for panther cost

Default fleet: the spec's five hosts with retention, windows, cap and budgets from the built-in
profiles; the data sizes and change rates are assumptions (--json prints them under "fleet").`,
  options: {
    fleet: { type: 'string' },
    start: { type: 'string' },
    months: { type: 'string' },
    budget: { type: 'string' },
    prices: { type: 'string' },
  },
};
