// The Datadog monitors and both dashboards against the fields their APIs document, and against the
// catalog: every query names a metric we emit, every metric we emit is shown somewhere (or listed as
// deliberately unplotted, with why).
//
// Sources of the field lists below (checked 2026-12-03):
// - Datadog Monitors API, "Create a monitor": https://docs.datadoghq.com/api/latest/monitors/#create-a-monitor
//   body: `query` and `type` required; name, message, tags, priority (1–5), options. Metric alert query:
//   time_aggr(time_window):space_aggr:metric{tags} [by {key}] operator #, time_aggr avg|sum|max|min, or
//   change|pct_change(time_aggr(time_window),timeshift),
//   time_window last_#m (1–10080) or last_#h (1–168) or last_1d/last_1w. options: thresholds.critical
//   (required for a metric monitor, equal to the query's #), thresholds.warning, evaluation_delay (seconds,
//   non-negative integer), require_full_window, notify_no_data, include_tags.
// - Datadog Dashboards API, "Create a new dashboard": https://docs.datadoghq.com/api/latest/dashboards/#create-a-new-dashboard
//   body: `layout_type` (ordered|free), `title`, `widgets` required; widget: `definition` required; group
//   definition: `layout_type`, `type` ("group"), `widgets` required; timeseries and toplist definitions:
//   `requests`, `type` required; template variable: `name` required, `prefix`, `defaults` (the single
//   `default` is deprecated).
// - Grafana dashboard JSON model (classic): https://grafana.com/docs/grafana/latest/visualizations/dashboards/build-dashboards/view-dashboard-json-model/
//   uid, title, tags, timezone, editable, panels, time {from,to}, templating.list, annotations.list,
//   refresh, schemaVersion, version; panel: id, type, title, gridPos {x,y,w,h} on a 24-column grid,
//   datasource {type,uid}, targets [{refId, expr}], fieldConfig {defaults, overrides}, options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METRICS, prometheusName, type MetricDef } from '../metrics/catalog.ts';
import { datadogDashboard } from './datadog-dashboard.ts';
import { datadogMonitor } from './datadog-monitors.ts';
import { DELIBERATELY_UNPLOTTED, VIEWS } from './dashboards.ts';
import { grafanaDashboard } from './grafana-dashboard.ts';
import { parseAlertingConfig } from './config.ts';
import { fleetRules } from './rules.ts';
import { fleetPlans, FULL_CONFIG_JSON } from '../../test/support/alerting-fleet.ts';

const BY_NAME = new Map<string, MetricDef>(METRICS.map((m) => [m.name, m]));
const BY_PROM = new Map<string, MetricDef>(METRICS.map((m) => [prometheusName(m), m]));
type Json = Record<string, unknown>;

const MONITOR_FIELDS = new Set(['name', 'type', 'query', 'message', 'tags', 'priority', 'options', 'restricted_roles', 'draft_status']);
const MONITOR_OPTIONS = new Set(['thresholds', 'evaluation_delay', 'require_full_window', 'notify_no_data', 'include_tags', 'new_group_delay', 'renotify_interval', 'no_data_timeframe', 'notify_audit', 'timeout_h', 'on_missing_data']);
const MONITOR_QUERY = /^(avg|sum|min|max|(?:pct_)?change\((?:avg|sum|min|max))\((last_(\d+)([mh])|last_1d|last_1w)\)?(?:,last_\d+[mh])?\):(avg|sum|min|max):([a-z0-9_.]+)\{([^}]*)\}(?: by \{([a-z_,]+)\})?(\.as_count\(\))? (>|<|>=|<=) (-?\d+(?:\.\d+)?)$/;

async function monitors(): Promise<Json[]> {
  const config = parseAlertingConfig(structuredClone(FULL_CONFIG_JSON), 'alerting.json');
  return fleetRules(await fleetPlans()).map((r) => datadogMonitor(r, config));
}

test('every Datadog monitor is a Monitors API body whose query names a catalog metric with its own tags', async () => {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const m of await monitors()) {
    const name = String(m['name']);
    if (names.has(name)) problems.push(`duplicate monitor name ${name}`);
    names.add(name);
    for (const k of Object.keys(m)) if (!MONITOR_FIELDS.has(k)) problems.push(`${name}: ${k} is not a documented field`);
    if (m['type'] !== 'query alert' && m['type'] !== 'metric alert') problems.push(`${name}: type ${String(m['type'])}`);
    const priority = m['priority'];
    if (typeof priority !== 'number' || priority < 1 || priority > 5) problems.push(`${name}: priority ${String(priority)}`);
    const q = MONITOR_QUERY.exec(String(m['query']));
    if (q === null) { problems.push(`${name}: query ${String(m['query'])} is not time_aggr(window):space_aggr:metric{tags} op #`); continue; }
    const [, , , n, unit, , metricName, tags, by, asCount, , threshold] = q;
    if (n !== undefined && Number(n) > (unit === 'm' ? 10080 : 168)) problems.push(`${name}: timeframe last_${n}${unit} beyond the API's limit`);
    const def = BY_NAME.get(metricName!);
    if (def === undefined) { problems.push(`${name}: ${metricName} is not in the catalog`); continue; }
    const tagKeys = [...tags!.split(',').map((t) => t.split(':')[0]!), ...(by?.split(',') ?? [])];
    for (const k of tagKeys) if (!def.tags.includes(k)) problems.push(`${name}: tag ${k} is not a tag of ${def.name}`);
    if ((asCount !== undefined) !== (def.type === 'counter' && q[1] === 'sum')) problems.push(`${name}: .as_count() on a ${def.type}`);
    const options = m['options'] as Json;
    for (const k of Object.keys(options)) if (!MONITOR_OPTIONS.has(k)) problems.push(`${name}: options.${k} is not a documented option`);
    const thresholds = options['thresholds'] as Json;
    if (thresholds['critical'] !== Number(threshold)) problems.push(`${name}: thresholds.critical ${String(thresholds['critical'])} differs from the query's ${threshold}`);
    const delay = options['evaluation_delay'];
    if (!Number.isInteger(delay) || (delay as number) < 0) problems.push(`${name}: evaluation_delay ${String(delay)}`);
    const message = String(m['message']);
    if (!message.includes('@ops@example.org')) problems.push(`${name}: message lacks the e-mail handle`);
    const critical = (m['tags'] as string[]).includes('severity:critical');
    if (message.includes('@slack-alerts') !== critical) problems.push(`${name}: Slack handle ${critical ? 'missing' : 'on a warning'}`);
    if (message.includes('@pagerduty-hetzner') !== (critical && name.endsWith(' on hetzner'))) problems.push(`${name}: PagerDuty handle wrong`);
  }
  assert.deepEqual(problems, []);
});

test('the Datadog dashboard is a Dashboards API body with the four views, every query over a catalog metric', () => {
  const d = datadogDashboard();
  for (const k of ['title', 'layout_type', 'widgets']) assert.ok(k in d, `dashboard lacks ${k}`);
  assert.ok(d['layout_type'] === 'ordered' || d['layout_type'] === 'free');
  for (const v of d['template_variables'] as Json[]) { assert.equal(typeof v['name'], 'string'); assert.ok(!('default' in v && 'defaults' in v)); }
  const groups = (d['widgets'] as Json[]).map((w) => w['definition'] as Json);
  assert.deepEqual(groups.map((g) => g['title']), VIEWS.map((v) => v.title));
  const problems: string[] = [];
  for (const g of groups) {
    for (const k of ['layout_type', 'type', 'widgets']) if (!(k in g)) problems.push(`group ${String(g['title'])} lacks ${k}`);
    for (const w of g['widgets'] as Json[]) {
      const def = w['definition'] as Json;
      if (!['timeseries', 'toplist', 'query_value'].includes(String(def['type']))) problems.push(`widget type ${String(def['type'])}`);
      const requests = def['requests'] as Json[] | undefined;
      if (!Array.isArray(requests) || requests.length === 0) { problems.push(`${String(def['title'])}: no requests`); continue; }
      for (const r of requests) {
        const q = /^(sum|max|avg|min):([a-z0-9_.]+)\{\$host\} by \{([a-z_,]+)\}(\.as_count\(\))?$/.exec(String(r['q']));
        const metricDef = q === null ? undefined : BY_NAME.get(q[2]!);
        if (q === null || metricDef === undefined) { problems.push(`query ${String(r['q'])} does not name a catalog metric`); continue; }
        if ((q[4] !== undefined) !== (metricDef.type === 'counter')) problems.push(`${q[2]}: .as_count() iff a counter`);
        for (const t of q[3]!.split(',')) if (!metricDef.tags.includes(t)) problems.push(`${q[2]}: by ${t} is not one of its tags`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('the Grafana dashboard follows the JSON model: unique panel ids, a 24-column grid without overlaps, PromQL over catalog names', () => {
  const d = grafanaDashboard();
  for (const k of ['uid', 'title', 'panels', 'schemaVersion', 'templating', 'time']) assert.ok(k in d, `dashboard lacks ${k}`);
  const panels = d['panels'] as Json[];
  const ids = panels.map((p) => p['id']);
  assert.equal(new Set(ids).size, ids.length, 'panel ids repeat');
  const rows = panels.filter((p) => p['type'] === 'row').map((p) => p['title']);
  assert.deepEqual(rows, VIEWS.map((v) => v.title));
  const cells = new Set<string>();
  const problems: string[] = [];
  for (const p of panels) {
    const g = p['gridPos'] as { x: number; y: number; w: number; h: number };
    if (g.x < 0 || g.w < 1 || g.x + g.w > 24 || g.h < 1) problems.push(`panel ${String(p['title'])}: gridPos off the grid`);
    for (let x = g.x; x < g.x + g.w; x++) for (let y = g.y; y < g.y + g.h; y++) {
      if (cells.has(`${x},${y}`)) problems.push(`panel ${String(p['title'])} overlaps at ${x},${y}`);
      cells.add(`${x},${y}`);
    }
    if (p['type'] === 'row') continue;
    if (!['timeseries', 'stat'].includes(String(p['type']))) problems.push(`panel type ${String(p['type'])}`);
    for (const t of p['targets'] as Json[]) {
      if (typeof t['refId'] !== 'string') problems.push(`${String(p['title'])}: target without refId`);
      const names = [...String(t['expr']).matchAll(/\b(pantheros_[a-z0-9_]+)\{/g)].map((m) => m[1]!);
      if (names.length === 0 || names.some((n) => !BY_PROM.has(n))) problems.push(`expr ${String(t['expr'])} names no catalog metric`);
    }
  }
  assert.deepEqual(problems, []);
});

test('every catalog metric is in both dashboards or in the deliberately-unplotted list, with a reason', async () => {
  const inDatadog = new Set(JSON.stringify(datadogDashboard()).match(/pantheros\.[a-z0-9_.]+[a-z0-9_]/g));
  const inGrafana = new Set([...JSON.stringify(grafanaDashboard()).matchAll(/(pantheros_[a-z0-9_]+)\{/g)].map((m) => BY_PROM.get(m[1]!)?.name));
  const monitored = new Set((await monitors()).map((m) => /:([a-z0-9_.]+)\{/.exec(String(m['query']))![1]));
  const missing: string[] = [];
  for (const m of METRICS) {
    if (m.name in DELIBERATELY_UNPLOTTED) { assert.ok(DELIBERATELY_UNPLOTTED[m.name]!.length > 10, `${m.name}: say why`); continue; }
    if (!inDatadog.has(m.name)) missing.push(`${m.name}: not in the Datadog dashboard`);
    if (!inGrafana.has(m.name)) missing.push(`${m.name}: not in the Grafana dashboard`);
  }
  assert.deepEqual(missing, []);
  // Not every metric needs a monitor, but every monitored one must exist.
  for (const name of monitored) assert.ok(BY_NAME.has(name!), `${name} monitored but not in the catalog`);
  for (const name of Object.keys(DELIBERATELY_UNPLOTTED)) assert.ok(BY_NAME.has(name), `${name} is listed as unplotted but is not in the catalog`);
});
