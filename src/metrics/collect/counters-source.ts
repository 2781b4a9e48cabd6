// Where the exporter gets the runs' figures: the persisted counters file (`metrics-<host>.json` in the
// state directory) written by the runs. Its reader lives with the counters (src/metrics/counters-state.ts);
// until it is wired in here, the runs' series are none and host-only counters show as 0.
import type { Series } from '../exporter.ts';

/** The runs' cumulative counters and last run gauges of `host`, as catalog names and tags. */
export type ReadRunSeries = (stateDir: string, host: string) => Promise<Series[]>;

export const readRunSeries: ReadRunSeries = async () => [];
