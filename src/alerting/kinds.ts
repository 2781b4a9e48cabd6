// The kinds `panther alerts render` knows, without loading the renderers (the CLI's help reads this).
export const ALERT_RENDER_KINDS = ['prometheus-rules', 'alertmanager', 'datadog-monitors', 'datadog-dashboard', 'grafana-dashboard'] as const;
export type AlertRenderKind = (typeof ALERT_RENDER_KINDS)[number];

/** Which inputs a kind needs. */
export const NEEDS: Record<AlertRenderKind, { plans: boolean; config: boolean }> = {
  'prometheus-rules': { plans: true, config: false },
  alertmanager: { plans: false, config: true },
  'datadog-monitors': { plans: true, config: true },
  'datadog-dashboard': { plans: false, config: false },
  'grafana-dashboard': { plans: false, config: false },
};
