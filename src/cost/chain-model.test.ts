import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { changedFraction, playSeries, storedOf, type SeriesInput } from './chain-model.ts';

const close = (a: number, b: number, what = ''): void => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what} ${a} ≠ ${b}`);

test('changedFraction: 0 for no gap, r for one day, rising and never past the hot set', () => {
  fc.assert(fc.property(fc.double({ min: 0.0001, max: 0.2, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true }), fc.integer({ min: 1, max: 400 }), (r, h, g) => {
    const m = { dailyChange: r, hotFraction: h };
    assert.equal(changedFraction(0, m), 0);
    close(changedFraction(1, m), r, 'one day');
    assert.ok(changedFraction(g + 1, m) >= changedFraction(g, m));
    assert.ok(changedFraction(g, m) <= Math.max(h, r) + 1e-12);
    assert.ok(changedFraction(g, m) <= g * r + 1e-12, 'overlapping rewrites never add up to more than their sum');
  }));
  close(changedFraction(30, { dailyChange: 0.01, hotFraction: 1 }), 1 - 0.99 ** 30);
});

const base: Omit<SeriesInput, 'fullBytes' | 'nightlyCapacity' | 'tiers' | 'rule' | 'dedupFulls'> = {
  firstDay: 20_089, // 2025-01-01, a Wednesday
  change: { dailyChange: 0.01, hotFraction: 1 },
};

test('playSeries: a seed over several nights, then a point a night; stored grows by each incremental', () => {
  const r = playSeries({
    ...base, fullBytes: Array(6).fill(1000), nightlyCapacity: Array(6).fill(400),
    tiers: { daily: 30, weekly: 0, monthly: 0, yearly: 0 }, rule: { kind: 'bounded', maxChain: 14 }, dedupFulls: true,
  });
  assert.equal(r.seedNights, 3);
  assert.deepEqual(r.days.slice(0, 3).map((d) => d.storedBytes), [400, 800, 1000]);
  assert.deepEqual(r.days.slice(0, 3).map((d) => d.uploadBytes), [400, 400, 200]);
  // Day 3: incremental against the day-0 seed snapshot, three days of change.
  close(r.days[3]!.uploadBytes, 1000 * (1 - 0.99 ** 3));
  close(r.days[4]!.uploadBytes, 10);
  close(r.days[5]!.storedBytes, 1000 + 1000 * (1 - 0.99 ** 3) + 10 + 10);
});

test('storedOf: raw fulls add up whole; deduplicated fulls add only what changed before the next kept full', () => {
  const kept = [
    { day: 0, full: true, parent: null, bytes: 1000 },
    { day: 1, full: false, parent: 0, bytes: 10 },
    { day: 14, full: true, parent: null, bytes: 1000 },
    { day: 28, full: true, parent: null, bytes: 1000 },
  ];
  const input = { firstDay: 0, fullBytes: [1000], change: { dailyChange: 0.01, hotFraction: 0.25 } };
  assert.equal(storedOf(kept, { ...input, dedupFulls: false }), 3010);
  const c14 = 0.25 * (1 - (1 - 0.04) ** 14);
  close(storedOf(kept, { ...input, dedupFulls: true }), 1000 + 10 + 2 * c14 * 1000);
});

test('playSeries: the raw way sends a full at the first backup of every month and keeps it with its month', () => {
  const days = 90; // 2025-01-01 … 2025-03-31
  const r = playSeries({
    ...base, fullBytes: Array(days).fill(1000), nightlyCapacity: Array(days).fill(1e9),
    tiers: { daily: 7, weekly: 4, monthly: 12, yearly: 0 }, rule: { kind: 'monthly-full' }, dedupFulls: false,
  });
  const feb1 = 31; // day index of 2025-02-01
  assert.equal(r.days[feb1]!.uploadBytes, 1000);
  assert.equal(r.days[feb1 + 28]!.uploadBytes, 1000, 'March 1st');
  assert.ok(r.days[feb1 + 1]!.uploadBytes < 100);
  // End of March: three months kept, each a full plus every incremental up to its last day.
  assert.ok(r.days[days - 1]!.storedBytes > 3000);
  assert.equal(r.days[days - 1]!.keptPoints, days);
});
