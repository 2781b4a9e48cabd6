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
export { ALERT_RENDER_KINDS, NEEDS, type AlertRenderKind } from './kinds.ts';
import type { AlertRenderKind } from './kinds.ts';
export { fleetRules, hostRules, type AlertRule } from './rules.ts';

export type AlertRenderer = (plans: readonly StoragePlan[], config: AlertingConfig | undefined) => string;

function needs(config: AlertingConfig | undefined): AlertingConfig {
  // The CLI checks NEEDS first; a caller that did not gets a plain error, not a silent empty config.
  if (config === undefined) throw new Error('this kind needs an alerting config');
  return config;
}

export const alertRenderers = {
  'prometheus-rules': (plans, config) => renderPrometheusRules(fleetRules(plans), config?.runbookUrl),
  alertmanager: (_plans, config) => renderAlertmanager(needs(config)),
  'datadog-monitors': (plans, config) => renderDatadogMonitors(fleetRules(plans), needs(config)),
  'datadog-dashboard': () => renderDatadogDashboard(),
  'grafana-dashboard': () => renderGrafanaDashboard(),
} as const satisfies Record<AlertRenderKind, AlertRenderer>;
