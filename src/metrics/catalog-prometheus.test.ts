import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METRICS, prometheusName } from './catalog.ts';

test('prometheusName: counters get _total; a gauge never ends in a suffix Prometheus reserves', () => {
  assert.equal(prometheusName({ name: 'pantheros.snapshot.failed', type: 'counter' }), 'pantheros_snapshot_failed_total');
  assert.equal(prometheusName({ name: 'pantheros.disk.usage', type: 'gauge' }), 'pantheros_disk_usage');
  assert.equal(prometheusName({ name: 'pantheros.snapshot.count', type: 'gauge' }), 'pantheros_snapshot_count_value');
  for (const m of METRICS) {
    const name = prometheusName(m);
    assert.match(name, /^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
    if (m.type === 'gauge') assert.doesNotMatch(name, /_(count|sum|bucket|total|created|info)$/, name);
  }
  assert.equal(new Set(METRICS.map(prometheusName)).size, METRICS.length);
});
