// A rule's condition as PromQL over the exporter's names (catalog prometheusName()).
import { metric, prometheusName } from '../metrics/catalog.ts';
import type { AlertRule } from './rules.ts';

/** A label value inside a PromQL string literal. */
function quote(value: string): string {
  return JSON.stringify(value);
}

export function selector(rule: AlertRule): string {
  const labels = { host: rule.host, ...rule.match };
  const inside = Object.entries(labels).map(([k, v]) => `${k}=${quote(v)}`).join(',');
  return `${prometheusName(metric(rule.metric))}{${inside}}`;
}

export function duration(minutes: number): string {
  if (minutes === 0) return '0m';
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

export function promql(rule: AlertRule): string {
  const s = selector(rule);
  const c = rule.condition;
  switch (c.kind) {
    case 'above': return `${s} > ${c.threshold}`;
    case 'below': return `${s} < ${c.threshold}`;
    case 'rise': {
      const w = duration(c.windowMinutes);
      // increase() ignores a series' first sample, so a counter first exported at 1 would never fire:
      // the second arm catches a series that did not exist a window ago.
      const grew = metric(rule.metric).type === 'counter' ? `increase(${s}[${w}]) > 0` : `(${s} - ${s} offset ${w}) > 0`;
      return `${grew} or (${s} unless ${s} offset ${w}) > 0`;
    }
  }
}
