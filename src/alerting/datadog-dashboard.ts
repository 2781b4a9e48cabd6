// `panther alerts render datadog-dashboard`: a Dashboards API body (POST /api/v1/dashboard), an
// ordered layout with one group widget per view and a $host template variable.
import { metric } from '../metrics/catalog.ts';
import { VIEWS, type Panel } from './dashboards.ts';

function query(name: Panel['metrics'][number]): string {
  const def = metric(name);
  const by = def.tags.filter((t) => t !== 'host');
  const group = ` by {${['host', ...by].join(',')}}`;
  return def.type === 'counter' ? `sum:${name}{$host}${group}.as_count()` : `max:${name}{$host}${group}`;
}

function widget(panel: Panel): Record<string, unknown> {
  if (panel.kind === 'status') {
    return { definition: { type: 'toplist', title: panel.title, requests: panel.metrics.map((m) => ({ q: query(m) })) } };
  }
  return {
    definition: {
      type: 'timeseries', title: panel.title, show_legend: true,
      requests: panel.metrics.map((m) => ({ q: query(m), display_type: panel.kind === 'bars' ? 'bars' : 'line' })),
    },
  };
}

export function datadogDashboard(): Record<string, unknown> {
  return {
    title: 'Panther Storage',
    description: 'Snapshots, offsite backups, cost and btrfs health of the fleet (rendered by panther alerts render datadog-dashboard).',
    layout_type: 'ordered',
    template_variables: [{ name: 'host', prefix: 'host', defaults: ['*'] }],
    widgets: VIEWS.map((view) => ({
      definition: { type: 'group', title: view.title, layout_type: 'ordered', widgets: view.panels.map(widget) },
    })),
  };
}

export function renderDatadogDashboard(): string {
  return `${JSON.stringify(datadogDashboard(), null, 2)}\n`;
}
