// The dashboard's plots from the host's history (GET /api/v1/history), in uPlot's shape: one shared,
// ascending x array (Unix seconds) and one value array per series, null where a series has nothing.
// Pure: the handler reads the points, this decides. How each metric is recorded decides its shaping:
// - the collector's gauges (pool usage, snapshot counts and sizes), sampled every ~5 minutes, go into
//   buckets (hourly up to 14 days, 6-hourly up to 120, daily beyond: never more than ~500 x values)
//   holding the bucket's last sample; x runs from the first bucket with data to the last, gaps are null;
// - the backup run's size and duration (gauges a run sends once, at its end) are summed per night: the
//   UTC date of the run's end shifted back 12 h, so a 23:50 start and a 02:00 end are the same night;
//   x is that date at 00:00 UTC, one per night that had a run;
// - the cost forecast (a collector gauge) is the month's last sample, x the month's first day 00:00 UTC,
//   beside the plan's budget as a flat series (omitted without a budget);
// - failures (counter events: their values are counts) are summed per UTC day, every day of the range
//   present with zeros, so a calm host draws a flat line.
// A point whose time or value is not finite, or outside [since, now], is left out: NaN or Infinity
// would break the schema and the JSON.
import type { z } from 'zod';
import type { Point } from '../history/store.ts';
import type { MetricName } from '../metrics/catalog.ts';
import type { historyBody, plot } from './schemas.ts';

export type Plot = z.output<typeof plot>;
export type Plots = z.output<typeof historyBody>['plots'];

const HOUR = 3600;
const DAY = 86_400;

/** The metrics the plots are made of: what the handler reads from the history. */
export const PLOTTED = [
  'pantheros.disk.usage', 'pantheros.snapshot.count', 'pantheros.snapshot.size',
  'pantheros.backup.size', 'pantheros.backup.duration', 'pantheros.backup.b2.cost',
  'pantheros.snapshot.failed', 'pantheros.backup.failed', 'pantheros.snapshot.hook_failed', 'pantheros.drill.failed',
] as const satisfies readonly MetricName[];
export type PlottedMetric = (typeof PLOTTED)[number];

export interface PlotInput {
  nowMs: number;
  days: number;
  /** The plan's monthly budget (USD); null: none. */
  budgetUsd: number | null;
  points: Readonly<Partial<Record<PlottedMetric, readonly Point[]>>>;
}

/** Retention tiers first, in their order; other types after, by name. */
const TYPE_ORDER = ['frequent', 'hourly', 'daily', 'weekly', 'monthly', 'yearly', 'manual'];

/** The gauges' bucket, in seconds, for a range of `days`: keeps a plot at ≤ ~500 x values. */
export function bucketSeconds(days: number): number {
  if (days <= 14) return HOUR;
  if (days <= 120) return 6 * HOUR;
  return DAY * Math.max(1, Math.ceil(days / 500));
}

/** The night a backup run ending at `t` (Unix seconds) belongs to: its date at 00:00 UTC, 12 h earlier. */
export function nightOf(t: number): number {
  return Math.floor((t - 12 * HOUR) / DAY) * DAY;
}

export function monthOf(t: number): number {
  const d = new Date(t * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
}

const dayOf = (t: number): number => Math.floor(t / DAY) * DAY;

interface Sample { t: number; value: number; label: string }

/** The usable points: finite time and value, inside [since, now], labelled by one tag. */
function samples(points: readonly Point[] | undefined, since: number, now: number, tag: string | null): Sample[] {
  const out: Sample[] = [];
  for (const p of points ?? []) {
    const t = Date.parse(p.time) / 1000;
    if (!Number.isFinite(t) || !Number.isFinite(p.value) || t < since || t > now) continue;
    out.push({ t, value: p.value, label: tag === null ? '' : (p.tags[tag] ?? 'unknown') });
  }
  return out;
}

function byLabel(a: string, b: string, order: readonly string[]): number {
  const ia = order.indexOf(a);
  const ib = order.indexOf(b);
  if (ia !== ib) return (ia === -1 ? order.length : ia) - (ib === -1 ? order.length : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Samples grouped by (label, key(t)) and combined, on the x values `xs` (or the keys seen, sorted).
 * `combine` folds a new sample into what the cell holds.
 */
function aligned(unit: string, s: readonly Sample[], key: (t: number) => number, combine: (held: number | undefined, v: number) => number, o: { xs?: number[]; order?: readonly string[] } = {}): Plot {
  const cells = new Map<string, Map<number, number>>();
  for (const x of s) {
    const row = cells.get(x.label) ?? new Map<number, number>();
    cells.set(x.label, row);
    const k = key(x.t);
    row.set(k, combine(row.get(k), x.value));
  }
  const xs = o.xs ?? [...new Set(s.map((x) => key(x.t)))].sort((a, b) => a - b);
  const labels = [...cells.keys()].sort((a, b) => byLabel(a, b, o.order ?? []));
  return {
    unit, x: xs,
    series: labels.map((label) => ({ label, values: xs.map((x) => cells.get(label)!.get(x) ?? null) })),
  };
}

/** Saturates instead of overflowing to Infinity (only absurd values get there). */
const sum = (held: number | undefined, v: number): number => Math.min(Number.MAX_VALUE, Math.max(-Number.MAX_VALUE, (held ?? 0) + v));
/** Samples come oldest first: the later one in a cell wins. */
const last = (_held: number | undefined, v: number): number => v;

/** Every step from the first key to the last: the gaps of a gauge stay visible as nulls. */
function span(keys: readonly number[], step: number): number[] {
  if (keys.length === 0) return [];
  // A loop, not Math.min(...keys): a year of 5-minute samples is more arguments than the stack holds.
  let first = keys[0]!;
  let end = keys[0]!;
  for (const k of keys) {
    if (k < first) first = k;
    if (k > end) end = k;
  }
  const xs: number[] = [];
  for (let x = first; x <= end; x += step) xs.push(x);
  return xs;
}

function gauge(unit: string, s: Sample[], step: number, order: readonly string[] = []): Plot {
  const key = (t: number): number => Math.floor(t / step) * step;
  // Ordered by time so that `last` keeps the newest sample whatever order the caller gave.
  const sorted = [...s].sort((a, b) => a.t - b.t);
  return aligned(unit, sorted, key, last, { xs: span(sorted.map((x) => key(x.t)), step), order });
}

export function historyPlots(input: PlotInput): Plots {
  const now = input.nowMs / 1000;
  const since = now - input.days * DAY;
  const pts = (name: PlottedMetric, tag: string | null, label?: string): Sample[] =>
    samples(input.points[name], since, now, tag).map((x) => (label === undefined ? x : { ...x, label }));
  const step = bucketSeconds(input.days);

  const estimate = aligned('USD', [...pts('pantheros.backup.b2.cost', null, 'estimate')].sort((a, b) => a.t - b.t), monthOf, last);
  const budget = input.budgetUsd;
  const cost: Plot = {
    unit: 'USD', x: estimate.x,
    series: [
      { label: 'estimate', values: estimate.series[0]?.values ?? [] },
      ...(budget !== null && Number.isFinite(budget) ? [{ label: 'budget', values: estimate.x.map(() => budget) }] : []),
    ],
  };

  const days = span([dayOf(since), dayOf(now)], DAY);
  const failures = aligned('1', [
    ...pts('pantheros.snapshot.failed', null, 'snapshot'), ...pts('pantheros.backup.failed', null, 'backup'),
    ...pts('pantheros.snapshot.hook_failed', null, 'hook'), ...pts('pantheros.drill.failed', null, 'drill'),
  ], dayOf, sum, { xs: days });
  const kinds = ['snapshot', 'backup', 'hook', 'drill'];
  failures.series = kinds.map((label) => ({ label, values: failures.series.find((x) => x.label === label)?.values.map((v) => v ?? 0) ?? days.map(() => 0) }));

  return {
    poolUsage: gauge('percent', pts('pantheros.disk.usage', 'device'), step),
    snapshotCount: gauge('1', pts('pantheros.snapshot.count', 'type'), step, TYPE_ORDER),
    snapshotSize: gauge('bytes', pts('pantheros.snapshot.size', 'subvol'), step),
    backupSize: aligned('bytes', pts('pantheros.backup.size', 'target'), nightOf, sum),
    backupDuration: aligned('seconds', pts('pantheros.backup.duration', null, 'duration'), nightOf, sum),
    cost,
    failures,
  };
}
