// `panther alerts render grafana-dashboard`: a Grafana dashboard (classic JSON model) over a Prometheus
// datasource chosen at import (${datasource}), one row per view and a $host variable.
import { metric, prometheusName } from '../metrics/catalog.ts';
import { VIEWS, type Panel } from './dashboards.ts';

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

function expr(name: Panel['metrics'][number]): { expr: string; legendFormat: string } {
  const def = metric(name);
  const series = `${prometheusName(def)}{host=~"$host"}`;
  const extra = def.tags.filter((t) => t !== 'host');
  const legend = ['{{host}}', ...extra.map((t) => `{{${t}}}`)].join(' ');
  // A counter is plotted as events per hour; a gauge as it is.
  return { expr: def.type === 'counter' ? `increase(${series}[1h])` : series, legendFormat: `${name.replace('pantheros.', '')} ${legend}` };
}

export function grafanaDashboard(): Record<string, unknown> {
  let id = 0;
  let y = 0;
  const panels: Record<string, unknown>[] = [];
  for (const view of VIEWS) {
    panels.push({ id: ++id, type: 'row', title: view.title, collapsed: false, gridPos: { x: 0, y: y++, w: 24, h: 1 }, panels: [] });
    view.panels.forEach((panel, i) => {
      const x = (i % 2) * 12;
      if (i > 0 && i % 2 === 0) y += 8;
      panels.push({
        id: ++id,
        type: panel.kind === 'status' ? 'stat' : 'timeseries',
        title: panel.title,
        datasource: DATASOURCE,
        gridPos: { x, y, w: 12, h: 8 },
        targets: panel.metrics.map((m, j) => ({ refId: String.fromCharCode(65 + j), datasource: DATASOURCE, ...expr(m) })),
        fieldConfig: {
          defaults: { ...(panel.unit === undefined ? {} : { unit: panel.unit }), ...(panel.kind === 'bars' ? { custom: { drawStyle: 'bars' } } : {}) },
          overrides: [],
        },
        options: {},
      });
    });
    y += 8;
  }
  return {
    uid: 'panther-storage',
    title: 'Panther Storage',
    tags: ['panther', 'btrfs', 'backup'],
    timezone: 'browser',
    editable: true,
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-7d', to: 'now' },
    refresh: '1m',
    annotations: { list: [] },
    templating: {
      list: [
        { name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Prometheus' },
        {
          name: 'host', type: 'query', label: 'Host', datasource: DATASOURCE,
          query: { query: 'label_values(pantheros_snapshot_age, host)', refId: 'hosts' },
          definition: 'label_values(pantheros_snapshot_age, host)',
          multi: true, includeAll: true, allValue: '.*', refresh: 2,
        },
      ],
    },
    panels,
  };
}

export function renderGrafanaDashboard(): string {
  return `${JSON.stringify(grafanaDashboard(), null, 2)}\n`;
}
