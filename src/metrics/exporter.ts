// The Prometheus text exposition of every catalog metric (prom-client): names by prometheusName(),
// HELP from the catalog, labels = the catalog's tags. A fresh registry per rendering: the figures are
// levels and cumulative totals read from state, not values this process accumulates.
import { Counter, Gauge, Registry } from 'prom-client';
import { METRICS, prometheusName, type MetricDef } from './catalog.ts';

/** One series: a catalog metric name, its tags (exactly the catalog's keys) and its value. */
export interface Series {
  name: string;
  tags: Record<string, string>;
  value: number;
}

export interface Exposition {
  text: string;
  contentType: string;
  /** Series left out: unknown name, tags that are not the catalog's, or a counter below 0. */
  rejected: Array<{ series: Series; why: string }>;
}

export function helpOf(def: MetricDef): string {
  return `${def.meaning} (unit: ${def.unit}; ${def.source === 'run' ? 'sent by the runs' : 'read by the collector'})`;
}

function rejectReason(def: MetricDef | undefined, s: Series): string | null {
  if (def === undefined) return 'not in the metric catalog';
  const keys = Object.keys(s.tags).sort().join(',');
  if (keys !== [...def.tags].sort().join(',')) return `tags {${keys}} are not the catalog's {${[...def.tags].sort().join(',')}}`;
  if (!Number.isFinite(s.value)) return 'value is not a finite number';
  if (def.type === 'counter' && s.value < 0) return 'a counter cannot be negative';
  return null;
}

/**
 * Renders the collector's gauges and the runs' series (counters as cumulative totals, run gauges as
 * their last values). Counters tagged by host alone start at 0 for `host`, so an alert on
 * increase() sees the first failure instead of a series that appears with it.
 */
export async function renderExposition(host: string, series: readonly Series[]): Promise<Exposition> {
  const registry = new Registry();
  const byName = new Map<string, Counter | Gauge>();
  const defs = new Map<string, MetricDef>(METRICS.map((m) => [m.name, m]));
  for (const def of METRICS as readonly MetricDef[]) {
    const config = { name: prometheusName(def), help: helpOf(def), labelNames: [...def.tags], registers: [registry] };
    const m = def.type === 'counter' ? new Counter(config) : new Gauge(config);
    if (def.type === 'counter' && def.tags.length === 1 && def.tags[0] === 'host') (m as Counter).inc({ host }, 0);
    byName.set(def.name, m);
  }
  const rejected: Exposition['rejected'] = [];
  for (const s of series) {
    const def = defs.get(s.name);
    const why = rejectReason(def, s);
    if (why !== null) { rejected.push({ series: s, why }); continue; }
    const m = byName.get(s.name)!;
    if (m instanceof Counter) m.inc(s.tags, s.value);
    else m.set(s.tags, s.value);
  }
  return { text: await registry.metrics(), contentType: registry.contentType, rejected };
}
