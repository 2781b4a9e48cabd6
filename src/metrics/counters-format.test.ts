import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEvents, emptyState, parseState } from './counters-format.ts';
import { event, type MetricEvent } from './events.ts';

const T0 = '2026-12-01T02:00:00.000Z';

test('counters add up by name and tags, gauges keep the last value and its time', () => {
  let s = emptyState('yoga', T0);
  s = applyEvents(s, [event('pantheros.snapshot.created', 2, { host: 'yoga' }), event('pantheros.backup.duration', 10, { host: 'yoga' })], T0);
  s = applyEvents(s, [event('pantheros.snapshot.created', 3, { host: 'yoga' }), event('pantheros.backup.duration', 7.5, { host: 'yoga' })], '2026-12-02T02:00:00.000Z');
  assert.deepEqual(s.counters, [{ name: 'pantheros.snapshot.created', tags: { host: 'yoga' }, value: 5 }]);
  assert.deepEqual(s.gauges, [{ name: 'pantheros.backup.duration', tags: { host: 'yoga' }, value: 7.5, time: '2026-12-02T02:00:00.000Z' }]);
  assert.equal(s.since, T0);
});

test('tags are part of the identity, sanitised and order-free', () => {
  let s = emptyState('h', T0);
  s = applyEvents(s, [event('pantheros.snapshot.hook_failed', 1, { host: 'h', subvol: '@db', hook: 'pg a|b' })], T0);
  s = applyEvents(s, [{ name: 'pantheros.snapshot.hook_failed', value: 1, tags: { subvol: '@db', hook: 'pg a|b', host: 'h' } } as MetricEvent], T0);
  s = applyEvents(s, [event('pantheros.snapshot.hook_failed', 1, { host: 'h', subvol: '@other', hook: 'pg a|b' })], T0);
  assert.deepEqual(s.counters.map((c) => [c.tags, c.value]), [[{ hook: 'pg_a_b', host: 'h', subvol: '_db' }, 2], [{ hook: 'pg_a_b', host: 'h', subvol: '_other' }, 1]]);
});

test('property: the total of a counter is the sum of its increments, whatever the batching', () => {
  for (let seed = 1; seed <= 200; seed++) {
    let s = emptyState('h', T0);
    let expected = 0;
    let x = seed;
    const n = seed % 30;
    for (let i = 0; i < n; i++) {
      x = (x * 48271) % 2147483647;
      const batch = (x % 4) + 1;
      const events = Array.from({ length: batch }, (_, j) => event('pantheros.snapshot.created', ((x >> j) % 5) + 1, { host: 'h' }));
      expected += events.reduce((a, e) => a + e.value, 0);
      s = applyEvents(s, events, T0);
      assert.ok(parseState(JSON.parse(JSON.stringify(s)), 'h') !== null);
    }
    assert.equal(s.counters[0]?.value ?? 0, expected);
  }
});

test('a counter never goes down: zero, negative, fractional or non-finite increments are ignored', () => {
  const s = applyEvents(emptyState('h', T0), [
    event('pantheros.snapshot.failed', -1, { host: 'h' }), event('pantheros.snapshot.failed', 0.5, { host: 'h' }),
    event('pantheros.snapshot.failed', Number.NaN, { host: 'h' }), event('pantheros.snapshot.failed', 0, { host: 'h' }),
  ], T0);
  assert.deepEqual(s.counters, []);
});

test('parseState: what it writes it reads; anything else is named damage', () => {
  const good = applyEvents(emptyState('h', T0), [event('pantheros.snapshot.created', 1, { host: 'h' }), event('pantheros.backup.check', 1, { host: 'h' })], T0);
  assert.deepEqual(parseState(JSON.parse(JSON.stringify(good)), 'h'), good);
  const bad: Array<[unknown, RegExp]> = [
    [[], /not a JSON object/],
    [{ ...good, formatVersion: 2 }, /formatVersion/],
    [{ ...good, host: 'other' }, /host/],
    [{ ...good, since: 'yesterday' }, /since/],
    [{ ...good, counters: {} }, /arrays/],
    [{ ...good, counters: [{ name: 'pantheros.nope', tags: {}, value: 1 }] }, /unknown metric/],
    [{ ...good, counters: [{ name: 'pantheros.backup.check', tags: { host: 'h' }, value: 1 }] }, /not a counter/],
    [{ ...good, counters: [{ name: 'pantheros.snapshot.created', tags: { host: 'h' }, value: -3 }] }, /whole number/],
    [{ ...good, counters: [{ name: 'pantheros.snapshot.created', tags: { host: 'h', evil: 'x' }, value: 1 }] }, /tags of/],
    [{ ...good, gauges: [{ name: 'pantheros.backup.check', tags: { host: 'h' }, value: 1, time: 'now' }] }, /time/],
  ];
  for (const [data, why] of bad) {
    const r = parseState(data, 'h');
    assert.equal(typeof r, 'string', JSON.stringify(data).slice(0, 80));
    assert.match(r as string, why);
  }
});
