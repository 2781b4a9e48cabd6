// docs/METRICS.md documents every metric the catalog has, as the catalog says, and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { METRICS, prometheusName } from '../src/metrics/catalog.ts';
import { withCurrentTable } from '../src/metrics/doc.ts';

const DOC = readFileSync(resolve(import.meta.dirname, '..', 'docs', 'METRICS.md'), 'utf8');

test('docs/METRICS.md holds the table the catalog generates (node scripts/write-metrics-doc.ts rewrites it)', () => {
  assert.equal(DOC, withCurrentTable(DOC), 'docs/METRICS.md is stale: run node scripts/write-metrics-doc.ts');
});

test('catalog: unique names under pantheros., counters and gauges only, Prometheus names valid and unique', () => {
  const names = METRICS.map((m) => m.name);
  assert.equal(new Set(names).size, names.length);
  const prom = METRICS.map(prometheusName);
  assert.equal(new Set(prom).size, prom.length);
  for (const m of METRICS) {
    assert.match(m.name, /^pantheros\.[a-z0-9_.]+$/);
    assert.match(prometheusName(m), /^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
    assert.ok(m.tags[0] === 'host', `${m.name}: every metric is tagged with its host first`);
    for (const t of m.tags) assert.match(t, /^[a-z_]+$/);
  }
});

test('the specification\'s twelve metrics are there with exactly its tags', () => {
  const spec = Object.fromEntries(METRICS.filter((m) => m.spec).map((m) => [m.name, [...m.tags]]));
  assert.deepEqual(spec, {
    'pantheros.snapshot.created': ['host'], 'pantheros.snapshot.failed': ['host'], 'pantheros.snapshot.age': ['host'],
    'pantheros.snapshot.count': ['host', 'type'], 'pantheros.backup.completed': ['host'], 'pantheros.backup.failed': ['host'],
    'pantheros.backup.duration': ['host'], 'pantheros.backup.size': ['host', 'target'], 'pantheros.backup.b2.cost': ['host'],
    'pantheros.disk.usage': ['host', 'device'], 'pantheros.btrfs.balance': ['host', 'device'], 'pantheros.snapshot.size': ['host', 'subvol'],
  });
});
