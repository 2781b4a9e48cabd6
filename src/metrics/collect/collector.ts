// One collection: the state read into gauges, plus the runs' series. Snapshot sizes walk every file
// of every snapshot, so a long-running exporter refreshes them far less often than it is scraped.
import type { StoragePlan } from '../../plan/types.ts';
import type { Series } from '../exporter.ts';
import { gauges, type CollectInputs } from './gauges.ts';
import { readInputs } from './read.ts';
import type { ReadRunSeries } from './counters-source.ts';

export interface CollectorOptions {
  plan: StoragePlan;
  root: string;
  stateDir: string;
  snapshotSizes: boolean;
  /** How long measured snapshot sizes are reused. */
  sizesEveryMs: number;
  readRunSeries: ReadRunSeries;
  now: () => string;
  warn: (line: string) => void;
}

export function makeCollector(o: CollectorOptions): { gauges: () => Promise<Series[]>; all: () => Promise<Series[]> } {
  let sizes: { at: number; value: CollectInputs['snapshotSizes'] } | null = null;
  const collectGauges = async (): Promise<Series[]> => {
    const now = o.now();
    const measure = o.snapshotSizes && (sizes === null || Date.parse(now) - sizes.at >= o.sizesEveryMs);
    const inputs = await readInputs({ plan: o.plan, root: o.root, stateDir: o.stateDir, now, snapshotSizes: measure, warn: o.warn });
    if (measure) sizes = { at: Date.parse(now), value: inputs.snapshotSizes };
    return gauges({ ...inputs, snapshotSizes: sizes?.value ?? null }, now);
  };
  return {
    gauges: collectGauges,
    // A damaged counters file costs the runs' series (absent, not reset to 0), never the gauges.
    all: async () => {
      const runs = await o.readRunSeries(o.stateDir, o.plan.host).catch((error: unknown) => {
        o.warn(`metrics: the runs' counters: ${error instanceof Error ? error.message : String(error)}`);
        return [];
      });
      return [...await collectGauges(), ...runs];
    },
  };
}
