// `panther alerts render prometheus-rules`: a Prometheus rules file, one group per host.
import type { AlertRule } from './rules.ts';
import { duration, promql } from './promql.ts';
import { toYaml, type YamlValue } from './yaml.ts';

export const RULES_HEADER = 'Panther alert rules, rendered by `panther alerts render prometheus-rules` from the hosts\' plans.\nEdit the plans (or docs/ALERTS.md thresholds in src/alerting/rules.ts), not this file.';

export function ruleLabels(rule: AlertRule): Record<string, string> {
  return { severity: rule.severity, host: rule.host, rule: rule.id, ...rule.match };
}

export function ruleAnnotations(rule: AlertRule, runbookUrl: string): Record<string, string> {
  return { summary: rule.summary, runbook: rule.runbook, runbook_url: `${runbookUrl}#${rule.id}` };
}

export const DEFAULT_RUNBOOK_URL = 'docs/ALERTS.md';

export function prometheusRules(rules: readonly AlertRule[], runbookUrl = DEFAULT_RUNBOOK_URL): YamlValue {
  const hosts = [...new Set(rules.map((r) => r.host))];
  return {
    groups: hosts.map((host) => ({
      name: `panther-${host}`,
      rules: rules.filter((r) => r.host === host).map((r) => ({
        alert: r.alert,
        expr: promql(r),
        for: duration(r.forMinutes),
        labels: ruleLabels(r),
        annotations: ruleAnnotations(r, runbookUrl),
      })),
    })),
  };
}

export function renderPrometheusRules(rules: readonly AlertRule[], runbookUrl?: string): string {
  return toYaml(prometheusRules(rules, runbookUrl), RULES_HEADER);
}
