// What `panther metrics collect` and `metrics serve` both need: the host's plan and its collector.
import { flagOrEnv } from '../core/defaults.ts';
import { readPlan } from '../plan/read-plan.ts';
import { makeCollector } from '../metrics/collect/collector.ts';
import { readRunSeries } from '../metrics/collect/counters-source.ts';
import { flag, str, type Io, type Values } from './command.ts';
import { DEFAULT_PLAN, stateDirOf } from './options.ts';

/** The collector for the plan and state named by the flags (shared with `metrics serve`). */
export async function collectorOf(values: Values, io: Io, now: () => string, sizesEveryMs: number): Promise<{ host: string; collector: ReturnType<typeof makeCollector> }> {
  const plan = await readPlan(flagOrEnv(str(values, 'plan'), 'plan', DEFAULT_PLAN));
  return {
    host: plan.host,
    collector: makeCollector({
      plan, root: str(values, 'root') ?? '/', stateDir: stateDirOf(values), snapshotSizes: flag(values, 'snapshot-sizes'),
      sizesEveryMs, readRunSeries, now, warn: (l) => io.err(l),
    }),
  };
}
