// `panther alerts render datadog-monitors`: one Monitors API body (POST /api/v1/monitor) per rule, as a
// JSON list. Queries use the DogStatsD names with their tags; a rule's `for` becomes the timeframe
// (min over it above a threshold = above for all of it), a counter's rise a count over its window.
import { metric } from '../metrics/catalog.ts';
import type { AlertingConfig } from './config.ts';
import type { AlertRule } from './rules.ts';
import { DEFAULT_RUNBOOK_URL } from './prometheus-rules.ts';

/** Without a `for`, a gauge is judged over this window (the collector sends every few minutes). */
export const GAUGE_WINDOW_MINUTES = 15;

export function timeframe(minutes: number): string {
  // Datadog: last_#m (1–10080) or last_#h (1–168) for metric monitors.
  if (minutes % 60 === 0 && minutes / 60 <= 168) return `last_${minutes / 60}h`;
  return `last_${minutes}m`;
}

/** The tag filter: `host:hetzner,type:daily`. */
export function tagFilter(rule: AlertRule): string {
  return Object.entries({ host: rule.host, ...rule.match }).map(([k, v]) => `${k}:${v}`).join(',');
}

/** Tags of the metric the query groups by (a multi alert per device, subvolume, hook). */
function groupBy(rule: AlertRule): string {
  const extra = metric(rule.metric).tags.filter((t) => t !== 'host' && !(t in rule.match));
  return extra.length === 0 ? '' : ` by {${extra.join(',')}}`;
}

export function datadogQuery(rule: AlertRule): { query: string; threshold: number } {
  const m = `${rule.metric}{${tagFilter(rule)}}${groupBy(rule)}`;
  const c = rule.condition;
  switch (c.kind) {
    case 'rise':
      return metric(rule.metric).type === 'counter'
        ? { query: `sum(${timeframe(c.windowMinutes)}):sum:${m}.as_count() > 0`, threshold: 0 }
        : { query: `change(max(${timeframe(c.windowMinutes)}),${timeframe(c.windowMinutes)}):max:${m} > 0`, threshold: 0 };
    case 'above':
      return rule.forMinutes === 0
        ? { query: `max(${timeframe(GAUGE_WINDOW_MINUTES)}):max:${m} > ${c.threshold}`, threshold: c.threshold }
        : { query: `min(${timeframe(rule.forMinutes)}):max:${m} > ${c.threshold}`, threshold: c.threshold };
    case 'below':
      return rule.forMinutes === 0
        ? { query: `min(${timeframe(GAUGE_WINDOW_MINUTES)}):min:${m} < ${c.threshold}`, threshold: c.threshold }
        : { query: `max(${timeframe(rule.forMinutes)}):min:${m} < ${c.threshold}`, threshold: c.threshold };
  }
}

export function monitorHandles(config: AlertingConfig, rule: AlertRule): string[] {
  const dd = config.datadog;
  if (dd === undefined) return [];
  const out = [...dd.all];
  if (rule.severity === 'critical') {
    out.push(...dd.critical);
    if (config.pagerduty?.hosts.includes(rule.host) === true) out.push(...dd.pagerduty);
  }
  return out;
}

export function datadogMonitor(rule: AlertRule, config: AlertingConfig): Record<string, unknown> {
  const { query, threshold } = datadogQuery(rule);
  const runbookUrl = config.runbookUrl ?? DEFAULT_RUNBOOK_URL;
  const handles = monitorHandles(config, rule);
  return {
    name: `[${rule.severity}] ${rule.alert}${Object.entries(rule.match).map(([k, v]) => ` ${k}:${v}`).join('')} on ${rule.host}`,
    type: 'query alert',
    query,
    message: [
      `${rule.summary}.`,
      `What to do: ${rule.runbook}.`,
      `Runbook: ${runbookUrl}#${rule.id}`,
      ...(handles.length === 0 ? [] : ['', handles.join(' ')]),
    ].join('\n'),
    tags: ['service:panther', `host:${rule.host}`, `severity:${rule.severity}`, `rule:${rule.id}`],
    priority: rule.severity === 'critical' ? 1 : 3,
    options: {
      thresholds: { critical: threshold },
      // Collector gauges arrive every few minutes: judge a minute late so the last point is in.
      evaluation_delay: 60,
      require_full_window: false,
      notify_no_data: false,
      include_tags: true,
    },
  };
}

export function renderDatadogMonitors(rules: readonly AlertRule[], config: AlertingConfig): string {
  return `${JSON.stringify(rules.map((r) => datadogMonitor(r, config)), null, 2)}\n`;
}
