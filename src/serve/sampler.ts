// `panther serve` keeps the dashboard's history: every few minutes it takes the collector's gauges
// (pool usage, snapshot counts and ages, backlog, cost) and appends them to the host's history
// (src/history/), where the runs' own events already go. A sample that fails is a warning and the
// next one is tried on time: a missing point in a plot, never a stopped server.
import { appendHistory } from '../history/store.ts';

export const DEFAULT_SAMPLE_EVERY_MS = 5 * 60_000;

export interface SamplerOptions {
  stateDir: string;
  host: string;
  /** The collector's gauges (not the run counters: the runs record their events themselves). */
  gauges: () => Promise<Array<{ name: string; tags: Record<string, string>; value: number }>>;
  everyMs: number;
  now: () => Date;
  warn: (line: string) => void;
  signal: AbortSignal;
}

/** Takes one sample now and then every `everyMs` until the signal aborts. */
export function startSampler(o: SamplerOptions): { sampled: () => number; stopped: Promise<void> } {
  let count = 0;
  const once = async (): Promise<void> => {
    try {
      const at = o.now();
      const gauges = await o.gauges();
      appendHistory(o.stateDir, o.host, gauges.map((g) => ({ name: g.name, tags: g.tags, value: g.value, time: at.toISOString() })), at);
      count += 1;
    } catch (error) {
      o.warn(`history: could not sample the gauges (${(error as Error).message}); the next sample is in ${Math.round(o.everyMs / 1000)} s`);
    }
  };
  const stopped = (async () => {
    while (!o.signal.aborted) {
      await once();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, o.everyMs);
        o.signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
      });
    }
  })();
  return { sampled: () => count, stopped };
}
