// docs/METRICS.md's table, from the catalog: one row per metric with both names, type, unit, tags,
// who sends it and when, and what it means. test/metrics-doc.test.ts keeps the file equal to this;
// scripts/write-metrics-doc.ts writes it.
import { METRICS, prometheusName, type MetricDef } from './catalog.ts';

export const TABLE_START = '<!-- metrics table: generated from src/metrics/catalog.ts by scripts/write-metrics-doc.ts -->';
export const TABLE_END = '<!-- end of metrics table -->';

const cell = (s: string): string => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

function row(m: MetricDef): string {
  const tags = m.tags.map((t) => `\`${t}\``).join(', ');
  const origin = m.spec ? 'spec' : 'panther';
  return `| \`${m.name}\` | \`${prometheusName(m)}\` | ${m.type} | ${m.unit} | ${tags} | ${origin} | ${m.source}: ${cell(m.when)} | ${cell(m.meaning)} |`;
}

export function metricsTable(): string {
  return [
    TABLE_START,
    '| DogStatsD name | Prometheus name | type | unit | tags / labels | from | sent | meaning |',
    '|---|---|---|---|---|---|---|---|',
    ...METRICS.map(row),
    TABLE_END,
  ].join('\n');
}

/** `doc` with its generated table replaced by the current one (the markers must be there). */
export function withCurrentTable(doc: string): string {
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error('docs/METRICS.md has no generated-table markers');
  return doc.slice(0, start) + metricsTable() + doc.slice(end + TABLE_END.length);
}
