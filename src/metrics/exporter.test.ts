import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METRICS, prometheusName } from './catalog.ts';
import { renderExposition } from './exporter.ts';

test('renderExposition: every catalog metric has HELP and TYPE under its Prometheus name', async () => {
  const { text, contentType } = await renderExposition('h1', []);
  assert.match(contentType, /^text\/plain; version=0\.0\.4/);
  for (const def of METRICS) {
    const name = prometheusName(def);
    assert.match(text, new RegExp(`^# HELP ${name} \\S`, 'm'), name);
    assert.match(text, new RegExp(`^# TYPE ${name} ${def.type}$`, 'm'), name);
  }
  // Host-only counters start at 0 so increase() sees the first event.
  assert.match(text, /^pantheros_snapshot_failed_total\{host="h1"\} 0$/m);
});

test('renderExposition: counters add up as totals, gauges keep their value, labels are the tags', async () => {
  const { text, rejected } = await renderExposition('h1', [
    { name: 'pantheros.snapshot.failed', tags: { host: 'h1' }, value: 3 },
    { name: 'pantheros.snapshot.hook_failed', tags: { host: 'h1', subvol: '@db', hook: 'postgres' }, value: 2 },
    { name: 'pantheros.disk.usage', tags: { host: 'h1', device: '/dev/sda' }, value: 87.5 },
    { name: 'pantheros.snapshot.count', tags: { host: 'h1', type: 'daily' }, value: 7 },
  ]);
  assert.deepEqual(rejected, []);
  assert.match(text, /^pantheros_snapshot_failed_total\{host="h1"\} 3$/m);
  assert.match(text, /^pantheros_snapshot_hook_failed_total\{host="h1",subvol="@db",hook="postgres"\} 2$/m);
  assert.match(text, /^pantheros_disk_usage\{host="h1",device="\/dev\/sda"\} 87\.5$/m);
  assert.match(text, /^pantheros_snapshot_count_value\{host="h1",type="daily"\} 7$/m);
});

test('renderExposition: a hostile label value is escaped, a series the catalog does not define is left out', async () => {
  const { text, rejected } = await renderExposition('h1', [
    { name: 'pantheros.snapshot.size', tags: { host: 'h1', subvol: 'a"b\\c\nd' }, value: 1 },
    { name: 'pantheros.not.a.metric', tags: { host: 'h1' }, value: 1 },
    { name: 'pantheros.disk.usage', tags: { host: 'h1' }, value: 1 },
    { name: 'pantheros.backup.failed', tags: { host: 'h1' }, value: -1 },
  ]);
  assert.match(text, /^pantheros_snapshot_size\{host="h1",subvol="a\\"b\\\\c\\nd"\} 1$/m);
  assert.deepEqual(rejected.map((r) => r.series.name), ['pantheros.not.a.metric', 'pantheros.disk.usage', 'pantheros.backup.failed']);
});

test('property: any label value (a hostile subvolume name) renders as one escaped sample line', async () => {
  const fc = (await import('fast-check')).default;
  await fc.assert(fc.asyncProperty(fc.string({ maxLength: 40 }), fc.double({ min: 0, max: 1e15, noNaN: true }), async (subvol, value) => {
    const { text, rejected } = await renderExposition('h1', [{ name: 'pantheros.snapshot.size', tags: { host: 'h1', subvol }, value }]);
    assert.deepEqual(rejected, []);
    const lines = text.split('\n').filter((l) => l.startsWith('pantheros_snapshot_size{'));
    assert.equal(lines.length, 1);
    const m = /^pantheros_snapshot_size\{host="h1",subvol="((?:[^"\\\n]|\\[\\"n])*)"\} (\S+)$/.exec(lines[0]!);
    assert.ok(m, lines[0]);
    assert.equal(m[1]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c)), subvol);
    assert.equal(Number(m[2]), value);
  }), { numRuns: 200 });
});
