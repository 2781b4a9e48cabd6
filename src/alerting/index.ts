// Alerting and dashboards as code: what `panther alerts render <kind>` writes. Pure: plans and the
// alerting config in, text out.
import type { StoragePlan } from '../plan/types.ts';
import { renderAlertmanager } from './alertmanager.ts';
import type { AlertingConfig } from './config.ts';
import { renderDatadogDashboard } from './datadog-dashboard.ts';
import { renderDatadogMonitors } from './datadog-monitors.ts';
import { renderGrafanaDashboard } from './grafana-dashboard.ts';
import { renderPrometheusRules } from './prometheus-rules.ts';
import { fleetRules } from './rules.ts';

export { parseAlertingConfig, type AlertingConfig } from './config.ts';
export { fleetRules, hostRules, type AlertRule } from './rules.ts';

export type AlertRenderer = (plans: readonly StoragePlan[], config: AlertingConfig) => string;

export const alertRenderers = {
  'prometheus-rules': (plans, config) => renderPrometheusRules(fleetRules(plans), config.runbookUrl),
  alertmanager: (_plans, config) => renderAlertmanager(config),
  'datadog-monitors': (plans, config) => renderDatadogMonitors(fleetRules(plans), config),
  'datadog-dashboard': () => renderDatadogDashboard(),
  'grafana-dashboard': () => renderGrafanaDashboard(),
} as const satisfies Record<string, AlertRenderer>;

export type AlertRenderKind = keyof typeof alertRenderers;
export const ALERT_RENDER_KINDS = Object.keys(alertRenderers) as AlertRenderKind[];
