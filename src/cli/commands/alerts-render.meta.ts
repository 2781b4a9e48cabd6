// `panther alerts render`: what --help and routing need, cheap to load; ./alerts-render.ts runs it.
import type { CommandInfo } from '../command.ts';
import { ALERT_RENDER_KINDS } from '../../alerting/kinds.ts';

export const alertsRenderInfo: CommandInfo = {
  name: 'alerts render',
  summary: 'render the fleet\'s alert rules, Alertmanager routes, Datadog monitors or a dashboard',
  usage: `panther alerts render <${ALERT_RENDER_KINDS.join('|')}> [--plan FILE]... [--alerting FILE] [--out FILE]`,
  help: `Kinds (docs/ALERTS.md lists every rule, its threshold, delay, channels and what to do):
  prometheus-rules   a Prometheus rules file (YAML), one group per host, thresholds from each plan
  alertmanager       Alertmanager routes and receivers from the alerting config: e-mail for every
                     alert, Slack and Discord for critical ones, PagerDuty for the critical ones of the
                     hosts the config names
  datadog-monitors   a JSON list of Datadog Monitors API bodies (POST /api/v1/monitor), one per rule
  datadog-dashboard  a Datadog Dashboards API body (POST /api/v1/dashboard): the four views
  grafana-dashboard  a Grafana dashboard over a Prometheus datasource: the same four views
  --plan FILE        a host's plan (panther plan --out); repeat it once per host of the fleet
                     (prometheus-rules and datadog-monitors need at least one)
  --alerting FILE    the alerting config (JSON): receivers, secret files, Datadog @-handles
                     (alertmanager and datadog-monitors need it)
  --out FILE         write to FILE (atomically) instead of stdout`,
  options: { plan: { type: 'string', multiple: true }, alerting: { type: 'string' }, out: { type: 'string' } },
  positionals: true,
};
