// The persisted counters file (`<state-dir>/metrics-<host>.json`, docs/FORMAT.md "Metrics counters"):
// what the runs add up for the Prometheus exporter, which reads it at scrape time. Pure: the state,
// adding events to it, and the check a file must pass to be believed.
import { METRICS, metric, type MetricName } from './catalog.ts';
import type { MetricEvent } from './events.ts';
import { sanitizeTags } from './tags.ts';

export const COUNTERS_FORMAT_VERSION = 1;

export interface CounterSeries {
  name: MetricName;
  /** Sanitised (tags.ts), keys sorted. */
  tags: Record<string, string>;
  /** Cumulative since the file was started. */
  value: number;
}

export interface GaugeSeries {
  name: MetricName;
  tags: Record<string, string>;
  value: number;
  /** When the run that set it ended (ISO-8601 UTC). */
  time: string;
}

export interface CountersState {
  formatVersion: typeof COUNTERS_FORMAT_VERSION;
  host: string;
  /** When the file was started (again, after damage): counters count from here. */
  since: string;
  updatedAt: string;
  counters: CounterSeries[];
  gauges: GaugeSeries[];
}

export function emptyState(host: string, now: string): CountersState {
  return { formatVersion: COUNTERS_FORMAT_VERSION, host, since: now, updatedAt: now, counters: [], gauges: [] };
}

export function seriesKey(name: string, tags: Readonly<Record<string, string>>): string {
  return `${name}{${Object.keys(tags).sort().map((k) => `${k}=${tags[k]}`).join(',')}}`;
}

/** `state` with `events` added: counters summed, gauges replaced; series sorted so the file is stable. */
export function applyEvents(state: CountersState, events: readonly MetricEvent[], now: string): CountersState {
  const counters = new Map(state.counters.map((c) => [seriesKey(c.name, c.tags), c]));
  const gauges = new Map(state.gauges.map((g) => [seriesKey(g.name, g.tags), g]));
  for (const e of events) {
    if (!Number.isFinite(e.value)) continue;
    const tags = sanitizeTags(e.tags);
    const key = seriesKey(e.name, tags);
    if (metric(e.name).type === 'counter') {
      // A counter only grows: a negative or fractional "increment" is a caller's bug, not a reset.
      if (e.value <= 0 || !Number.isInteger(e.value)) continue;
      counters.set(key, { name: e.name, tags, value: (counters.get(key)?.value ?? 0) + e.value });
    } else {
      gauges.set(key, { name: e.name, tags, value: e.value, time: now });
    }
  }
  const sorted = <T>(m: Map<string, T>): T[] => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  return { ...state, updatedAt: now, counters: sorted(counters), gauges: sorted(gauges) };
}

const KNOWN = new Set<string>(METRICS.map((m) => m.name));
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** The state in `data`, or why it is not one (then the file is damaged). */
export function parseState(data: unknown, host: string): CountersState | string {
  if (!isObject(data)) return 'not a JSON object';
  if (data['formatVersion'] !== COUNTERS_FORMAT_VERSION) return `formatVersion ${JSON.stringify(data['formatVersion'])}, expected ${COUNTERS_FORMAT_VERSION}`;
  if (data['host'] !== host) return `host ${JSON.stringify(data['host'])}, expected ${JSON.stringify(host)}`;
  for (const k of ['since', 'updatedAt'] as const) if (typeof data[k] !== 'string' || !ISO.test(data[k])) return `${k} is not an ISO-8601 UTC time`;
  const counters = data['counters'];
  const gauges = data['gauges'];
  if (!Array.isArray(counters) || !Array.isArray(gauges)) return 'counters and gauges must be arrays';
  for (const [i, c] of counters.entries()) {
    const why = seriesProblem(c, 'counter');
    if (why !== null) return `counters[${i}]: ${why}`;
    if (!Number.isSafeInteger(c.value) || c.value < 0) return `counters[${i}]: value must be a whole number ≥ 0`;
  }
  for (const [i, g] of gauges.entries()) {
    const why = seriesProblem(g, 'gauge');
    if (why !== null) return `gauges[${i}]: ${why}`;
    if (typeof g.value !== 'number' || !Number.isFinite(g.value)) return `gauges[${i}]: value must be a finite number`;
    if (typeof g['time'] !== 'string' || !ISO.test(g['time'])) return `gauges[${i}]: time is not an ISO-8601 UTC time`;
  }
  return data as unknown as CountersState;
}

function seriesProblem(s: unknown, type: 'counter' | 'gauge'): string | null {
  if (!isObject(s)) return 'not an object';
  const name = s['name'];
  if (typeof name !== 'string' || !KNOWN.has(name)) return `unknown metric ${JSON.stringify(name)}`;
  if (metric(name as MetricName).type !== type) return `${name} is not a ${type}`;
  const tags = s['tags'];
  if (!isObject(tags)) return 'tags must be an object';
  const keys = Object.keys(tags);
  const allowed = metric(name as MetricName).tags;
  if (keys.some((k) => !allowed.includes(k) || typeof tags[k] !== 'string')) return `tags of ${name} must be string values of ${allowed.join(', ')}`;
  return null;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
