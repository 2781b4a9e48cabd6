import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Point } from '../history/store.ts';
import { bucketSeconds, historyPlots, monthOf, nightOf, PLOTTED, type PlotInput, type Plots } from './history-plots.ts';
import { historyBody } from './schemas.ts';

const NOW = Date.parse('2026-09-10T12:00:00Z');
const s = (iso: string): number => Date.parse(iso) / 1000;
const p = (time: string, value: number, tags: Record<string, string> = {}): Point => ({ time, value, tags: { host: 'yoga', ...tags } });
const plots = (points: PlotInput['points'], o: Partial<PlotInput> = {}): Plots => historyPlots({ nowMs: NOW, days: 7, budgetUsd: 10, points, ...o });
const series = (plot: Plots[keyof Plots], label: string): Array<number | null> => plot.series.find((x) => x.label === label)!.values;

test('pool usage: hourly buckets holding their last sample, devices aligned on one x, null where a device has none', () => {
  const r = plots({
    'pantheros.disk.usage': [
      p('2026-09-09T10:00:00Z', 40, { device: '/dev/sda' }), p('2026-09-09T10:55:00Z', 41, { device: '/dev/sda' }),
      p('2026-09-09T12:05:00Z', 43, { device: '/dev/sda' }),
      p('2026-09-09T12:10:00Z', 70, { device: '/dev/nvme0n1' }),
    ],
  }).poolUsage;
  assert.equal(r.unit, 'percent');
  assert.deepEqual(r.x, [s('2026-09-09T10:00:00Z'), s('2026-09-09T11:00:00Z'), s('2026-09-09T12:00:00Z')]);
  assert.deepEqual(r.series.map((x) => x.label), ['/dev/nvme0n1', '/dev/sda']);
  assert.deepEqual(series(r, '/dev/sda'), [41, null, 43]);
  assert.deepEqual(series(r, '/dev/nvme0n1'), [null, null, 70]);
});

test('the last sample of a bucket wins whatever order the points come in', () => {
  const r = plots({ 'pantheros.snapshot.size': [p('2026-09-09T10:50:00Z', 9, { subvol: '@home' }), p('2026-09-09T10:05:00Z', 1, { subvol: '@home' })] }).snapshotSize;
  assert.deepEqual(series(r, '@home'), [9]);
});

test('snapshot counts: retention tiers in their order, other types after', () => {
  const at = '2026-09-09T10:00:00Z';
  const r = plots({ 'pantheros.snapshot.count': ['manual', 'weekly', 'zz', 'frequent', 'daily'].map((type, i) => p(at, i, { type })) }).snapshotCount;
  assert.deepEqual(r.series.map((x) => x.label), ['frequent', 'daily', 'weekly', 'manual', 'zz']);
});

test('buckets: hourly up to 14 days, 6-hourly up to 120, daily beyond; never past ~500 x values', () => {
  assert.equal(bucketSeconds(1), 3600);
  assert.equal(bucketSeconds(14), 3600);
  assert.equal(bucketSeconds(15), 6 * 3600);
  assert.equal(bucketSeconds(120), 6 * 3600);
  assert.equal(bucketSeconds(121), 86_400);
  assert.equal(bucketSeconds(400), 86_400);
  for (let d = 1; d <= 400; d += 1) assert.ok((d * 86_400) / bucketSeconds(d) <= 500, `${d} days`);
  const r = plots({ 'pantheros.disk.usage': [p('2026-06-10T13:00:00Z', 1, { device: 'd' }), p('2026-09-10T11:00:00Z', 2, { device: 'd' })] }, { days: 92 }).poolUsage;
  assert.equal(r.x[1]! - r.x[0]!, 6 * 3600);
});

test('backups per night: the run\'s end 12 h back, so a 23:50 start ending 02:00 and a 01:00 end are one night; sizes by target and durations summed', () => {
  const r = plots({
    'pantheros.backup.size': [
      p('2026-09-08T02:00:00Z', 100, { target: 'b2' }), p('2026-09-08T05:00:00Z', 50, { target: 'b2' }),
      p('2026-09-08T23:59:00Z', 7, { target: 'local' }), p('2026-09-09T02:30:00Z', 200, { target: 'b2' }),
    ],
    'pantheros.backup.duration': [p('2026-09-08T02:00:00Z', 3600), p('2026-09-08T05:00:00Z', 60), p('2026-09-09T02:30:00Z', 1800)],
  });
  assert.deepEqual(r.backupSize.x, [s('2026-09-07T00:00:00Z'), s('2026-09-08T00:00:00Z')]);
  assert.equal(r.backupSize.unit, 'bytes');
  assert.deepEqual(series(r.backupSize, 'b2'), [150, 200]);
  assert.deepEqual(series(r.backupSize, 'local'), [null, 7]);
  assert.deepEqual(r.backupDuration.x, r.backupSize.x);
  assert.deepEqual(r.backupDuration.series, [{ label: 'duration', values: [3660, 1800] }]);
  assert.equal(nightOf(s('2026-09-08T11:59:59Z')), s('2026-09-07T00:00:00Z'));
  assert.equal(nightOf(s('2026-09-08T12:00:00Z')), s('2026-09-08T00:00:00Z'));
});

test('cost: the month\'s last estimate beside the budget; no budget, no budget series', () => {
  const points = { 'pantheros.backup.b2.cost': [p('2026-07-10T00:00:00Z', 1), p('2026-08-02T00:00:00Z', 2), p('2026-08-31T23:55:00Z', 3.5), p('2026-09-10T11:00:00Z', 0.5)] };
  const r = plots(points, { days: 60 }).cost;
  assert.deepEqual(r.x, [s('2026-08-01T00:00:00Z'), s('2026-09-01T00:00:00Z')]);
  assert.deepEqual(r.series, [{ label: 'estimate', values: [3.5, 0.5] }, { label: 'budget', values: [10, 10] }]);
  assert.deepEqual(plots(points, { days: 60, budgetUsd: null }).cost.series.map((x) => x.label), ['estimate']);
  assert.equal(monthOf(s('2026-12-31T23:59:59Z')), s('2026-12-01T00:00:00Z'));
});

test('failures: every UTC day of the range, zeros where nothing failed, counts summed per kind', () => {
  const r = plots({
    'pantheros.snapshot.failed': [p('2026-09-08T03:00:00Z', 2), p('2026-09-08T09:00:00Z', 1)],
    'pantheros.backup.failed': [p('2026-09-09T02:00:00Z', 1)],
    'pantheros.snapshot.hook_failed': [p('2026-09-09T02:00:00Z', 1, { subvol: '@db', hook: 'postgres' })],
  }).failures;
  assert.equal(r.x.length, 8);
  assert.equal(r.x[0], s('2026-09-03T00:00:00Z'));
  assert.equal(r.x.at(-1), s('2026-09-10T00:00:00Z'));
  assert.deepEqual(r.series.map((x) => x.label), ['snapshot', 'backup', 'hook', 'drill']);
  assert.deepEqual(series(r, 'snapshot'), [0, 0, 0, 0, 0, 3, 0, 0]);
  assert.deepEqual(series(r, 'backup'), [0, 0, 0, 0, 0, 0, 1, 0]);
  assert.deepEqual(series(r, 'hook'), [0, 0, 0, 0, 0, 0, 1, 0]);
  assert.deepEqual(series(r, 'drill'), [0, 0, 0, 0, 0, 0, 0, 0]);
});

test('no history: empty plots, the failure days with zeros', () => {
  const r = plots({});
  for (const k of ['poolUsage', 'snapshotCount', 'snapshotSize', 'backupSize', 'backupDuration'] as const) assert.deepEqual(r[k], { unit: r[k].unit, x: [], series: [] });
  assert.deepEqual(r.cost.x, []);
  assert.deepEqual(r.cost.series, [{ label: 'estimate', values: [] }, { label: 'budget', values: [] }]);
  assert.ok(r.failures.series.every((x) => x.values.length === 8 && x.values.every((v) => v === 0)));
});

test('points outside the range, or with a time or value that is not finite, are left out', () => {
  const r = plots({
    'pantheros.disk.usage': [
      p('2026-09-01T00:00:00Z', 1, { device: 'd' }), p('2026-09-11T00:00:00Z', 2, { device: 'd' }), p('not a time', 3, { device: 'd' }),
      p('2026-09-09T00:00:00Z', Number.NaN, { device: 'd' }), p('2026-09-09T00:00:00Z', Number.POSITIVE_INFINITY, { device: 'd' }),
    ],
  });
  assert.deepEqual(r.poolUsage, { unit: 'percent', x: [], series: [] });
});

test('a full history (400 days of 5-minute samples of three pools, past the store\'s 250,000 rows) is shaped, not a stack overflow', () => {
  const start = NOW - 400 * 86_400_000;
  const many = Array.from({ length: 3 * 400 * 288 }, (_, i) => p(new Date(start + Math.floor(i / 3) * 300_000).toISOString(), i % 100, { device: `d${i % 3}` }));
  const r = plots({ 'pantheros.disk.usage': many }, { days: 400 }).poolUsage;
  assert.equal(r.x.length, 401, 'the first and last days are partial');
  assert.equal(r.series.length, 3);
  assert.ok(r.series.every((x) => x.values.every((v) => v !== null)));
});

// ---- properties -------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const anyPoint = (nowMs: number): fc.Arbitrary<Point> => fc.record({
  // Some before the range and after now: they must be dropped, not break the shape.
  offsetMs: fc.integer({ min: -410 * DAY_MS, max: DAY_MS }),
  value: fc.oneof(fc.double({ noNaN: true }), fc.double(), fc.integer({ min: 0, max: 5 })),
  tag: fc.constantFrom('a', 'b', '/dev/sda', 'manual', 'b2', '__proto__', 'constructor'),
  badTime: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
}).map(({ offsetMs, value, tag, badTime }) => ({
  time: badTime ? 'garbage' : new Date(nowMs + offsetMs).toISOString(), value,
  tags: { host: 'h', device: tag, type: tag, subvol: tag, target: tag },
}));

const anyInput = fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2035-01-01T00:00:00Z') }).chain((nowMs) => fc.record({
  nowMs: fc.constant(nowMs),
  days: fc.integer({ min: 1, max: 400 }),
  budgetUsd: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: null }),
  points: fc.record(Object.fromEntries(PLOTTED.map((n) => [n, fc.array(anyPoint(nowMs), { maxLength: 40 })])) as Record<(typeof PLOTTED)[number], fc.Arbitrary<Point[]>>, { requiredKeys: [] }),
}));

test('property: every plot is aligned, ascending, finite, within its x budget, and passes the response schema', () => {
  fc.assert(fc.property(anyInput, (input) => {
      const { nowMs, days } = input;
      const r = historyPlots(input);
      for (const [name, plot] of Object.entries(r)) {
        for (let i = 1; i < plot.x.length; i += 1) assert.ok(plot.x[i - 1]! < plot.x[i]!, `${name}: x ascending`);
        assert.ok(plot.x.length <= 1000, `${name}: ${plot.x.length} x values`);
        for (const x of plot.x) assert.ok(Number.isFinite(x), name);
        for (const sr of plot.series) {
          assert.equal(sr.values.length, plot.x.length, `${name}/${sr.label}: aligned`);
          for (const v of sr.values) assert.ok(v === null || Number.isFinite(v), `${name}/${sr.label}: ${v}`);
        }
        assert.equal(new Set(plot.series.map((x) => x.label)).size, plot.series.length, `${name}: labels unique`);
      }
      // The failures cover every day of the range.
      assert.equal(r.failures.x.length, Math.floor(nowMs / DAY_MS) - Math.floor((nowMs - days * DAY_MS) / DAY_MS) + 1);
      assert.ok(historyBody.safeParse(JSON.parse(JSON.stringify({ host: 'h', now: new Date(nowMs).toISOString(), since: '', plots: r }))).success);
  }), { numRuns: 300 });
});

test('property: a gauge\'s value in a bucket is the newest sample of that bucket', () => {
  fc.assert(fc.property(
    fc.array(fc.record({ minute: fc.integer({ min: 0, max: 7 * 24 * 60 - 1 }), value: fc.integer({ min: 0, max: 100 }) }), { minLength: 1, maxLength: 80 }),
    (raw) => {
      const start = NOW - 7 * DAY_MS;
      const pts = raw.map((x) => p(new Date(start + x.minute * 60_000).toISOString(), x.value, { device: 'd' }));
      const r = plots({ 'pantheros.disk.usage': pts }).poolUsage;
      const values = r.series[0]!.values;
      r.x.forEach((x, i) => {
        const inBucket = raw.map((y, j) => ({ ...y, j })).filter((y) => Math.floor((start / 1000 + y.minute * 60) / 3600) * 3600 === x);
        const newest = inBucket.sort((a, b) => a.minute - b.minute || a.j - b.j).at(-1);
        assert.equal(values[i], newest === undefined ? null : newest.value);
      });
      assert.equal(values.filter((v) => v !== null).length, new Set(raw.map((y) => Math.floor((start / 1000 + y.minute * 60) / 3600))).size);
    },
  ), { numRuns: 200 });
});
