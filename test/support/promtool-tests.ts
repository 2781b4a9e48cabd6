// promtool unit tests generated from the rule model: for every rule, input series that fire it (just
// past its threshold, or a counter that rises) and series that must not (exactly at the threshold, or
// a counter that stays put), evaluated just before its delay runs out and when it does.
import { metric } from '../../src/metrics/catalog.ts';
import { prometheusName } from '../../src/metrics/catalog.ts';
import { ruleAnnotations, ruleLabels } from '../../src/alerting/prometheus-rules.ts';
import type { AlertRule } from '../../src/alerting/rules.ts';
import type { YamlValue } from '../../src/alerting/yaml.ts';

function seriesName(rule: AlertRule, caseName: string): { text: string; labels: Record<string, string> } {
  const def = metric(rule.metric);
  const labels: Record<string, string> = { host: rule.host, ...rule.match };
  for (const tag of def.tags) labels[tag] ??= `${tag}-1`;
  labels['case'] = caseName;
  const inside = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',');
  return { text: `${prometheusName(def)}{${inside}}`, labels };
}

function expected(rule: AlertRule, seriesLabels: Record<string, string>, runbookUrl: string): YamlValue {
  return { exp_labels: { ...seriesLabels, ...ruleLabels(rule) }, exp_annotations: ruleAnnotations(rule, runbookUrl) };
}

/** Minutes as promtool wants them. */
const m = (minutes: number): string => `${minutes}m`;

export interface RuleTest {
  rule: AlertRule;
  group: YamlValue;
}

export function ruleTest(rule: AlertRule, runbookUrl: string): YamlValue {
  const c = rule.condition;
  if (c.kind === 'rise') {
    // Every series exists a whole window before the rise, so none is "new" but the one meant to be.
    const w = c.windowMinutes;
    const at = w + 10;
    const fire = seriesName(rule, 'rises');
    const fresh = seriesName(rule, 'appears');
    const quiet = seriesName(rule, 'steady');
    return {
      interval: '1m',
      input_series: [
        { series: fire.text, values: `0x${at - 1} 1x${w + 1}` },
        { series: fresh.text, values: `_x${at} 1x${w}` },
        { series: quiet.text, values: `5x${at + w}` },
      ],
      alert_rule_test: [
        { eval_time: m(at - 1), alertname: rule.alert, exp_alerts: [] },
        { eval_time: m(at), alertname: rule.alert, exp_alerts: [expected(rule, fire.labels, runbookUrl), expected(rule, fresh.labels, runbookUrl)] },
        { eval_time: m(at + w), alertname: rule.alert, exp_alerts: [] },
      ],
    };
  }
  const d = rule.forMinutes;
  // One sample a minute: sparser samples would go stale between points (5 min lookback) and reset `for`.
  const step = 1;
  const delta = Number.isInteger(c.threshold) ? 1 : 0.01;
  const beyond = c.kind === 'above' ? c.threshold + delta : c.threshold - delta;
  const fire = seriesName(rule, 'beyond');
  const quiet = seriesName(rule, 'at-threshold');
  const n = d / step + 5;
  return {
    interval: m(step),
    input_series: [
      { series: fire.text, values: `${beyond}x${n}` },
      { series: quiet.text, values: `${c.threshold}x${n}` },
    ],
    alert_rule_test: [
      ...(d === 0 ? [] : [{ eval_time: m(d - step), alertname: rule.alert, exp_alerts: [] }]),
      { eval_time: m(d), alertname: rule.alert, exp_alerts: [expected(rule, fire.labels, runbookUrl)] },
    ],
  };
}

export function promtoolTests(rules: readonly AlertRule[], rulesFile: string, runbookUrl: string): YamlValue {
  return { rule_files: [rulesFile], evaluation_interval: '1m', tests: rules.map((r) => ruleTest(r, runbookUrl)) };
}
