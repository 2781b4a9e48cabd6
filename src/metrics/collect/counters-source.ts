// Where the exporter gets the runs' figures: the persisted counters file (`metrics-<host>.json` in the
// state directory) the runs write (src/metrics/counters-state.ts). A file that cannot be believed is
// an error here; the collector turns it into a warning and serves the gauges without the runs' series.
import { readCounters } from '../counters-state.ts';
import type { Series } from '../exporter.ts';

/** The runs' cumulative counters and last run gauges of `host`, as catalog names and tags. */
export type ReadRunSeries = (stateDir: string, host: string) => Promise<Series[]>;

export const readRunSeries: ReadRunSeries = async (stateDir, host) => {
  const reading = await readCounters(stateDir, host);
  if (reading.problem !== null) throw new Error(reading.problem);
  return [...reading.counters, ...reading.gauges].map((s) => ({ name: s.name, tags: { ...s.tags }, value: s.value }));
};
