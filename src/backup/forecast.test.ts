import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateUpload, forecastUpload } from './forecast.ts';
import { scheduleFromPlan } from '../plan/backup-window.ts';

const policy = { window: { weekdays: '02:00-05:00', weekends: '02:00-06:00' }, staggerMinutes: 0, bandwidthBitsPerSecond: 10e6, monthlyBudgetUsd: 5 };

/** The same question answered by hand: walk the nights from a date, 3 h on weekdays, 4 h on weekends. */
function nightsByHand(bytes: number, startDate: Date, bitsPerSecond: number, hours: (weekday: number) => number): { nights: number; lastNight: string; secondsIntoLast: number } {
  let left = bytes;
  const day = new Date(startDate);
  for (let nights = 1; ; nights++) {
    const weekday = day.getUTCDay();
    const capacity = hours(weekday) * 3600 * bitsPerSecond / 8;
    if (left <= capacity) return { nights, lastNight: day.toISOString().slice(0, 10), secondsIntoLast: left / (bitsPerSecond / 8) };
    left -= capacity;
    day.setUTCDate(day.getUTCDate() + 1);
  }
}

const specHours = (weekday: number): number => (weekday === 0 || weekday === 6 ? 4 : 3);

test('forecast: 500 GB at 10 Mbit/s, 3 h weekdays and 4 h weekends', () => {
  const s = scheduleFromPlan(policy, 'UTC');
  const from = Date.parse('2026-03-02T00:00:00Z'); // a Monday, before the window
  const f = forecastUpload(500e9, s, 10e6, from);
  const hand = nightsByHand(500e9, new Date(from), 10e6, specHours);
  assert.equal(f.nights, hand.nights);
  assert.equal(f.nights, 35); // 4 weeks × 103.5 GB = 414 GB, then Mon–Sat 86.0 GB... and 0.5 GB on the Sunday
  assert.equal(f.finishesAt, new Date(Date.parse(`${hand.lastNight}T02:00:00Z`) + hand.secondsIntoLast * 1000).toISOString());
  assert.equal(f.finishesAt, '2026-04-05T02:06:40.000Z');
  // b2 knowledge §7: 13.5 GB per 3-hour night.
  assert.equal(f.perNight.weekdays, 13.5e9);
  assert.equal(f.perNight.weekends, 18e9);
});

test('forecast: agrees with the walk by hand from every weekday and for many sizes', () => {
  const s = scheduleFromPlan(policy, 'UTC');
  for (let d = 0; d < 7; d++) {
    const from = Date.parse('2026-03-02T00:00:00Z') + d * 86_400_000;
    for (const gb of [1, 13.5, 13.6, 40, 103.5, 250, 1000]) {
      const f = forecastUpload(gb * 1e9, s, 10e6, from);
      assert.equal(f.nights, nightsByHand(gb * 1e9, new Date(from), 10e6, specHours).nights, `${gb} GB from day ${d}`);
    }
  }
});

test('forecast: an open window counts only what is left of it; the stagger shortens every night', () => {
  const s = scheduleFromPlan({ ...policy, staggerMinutes: 30 }, 'UTC');
  const from = Date.parse('2026-03-10T04:00:00Z'); // Tuesday, 1 h left
  const f = forecastUpload(10e9, s, 10e6, from);
  assert.equal(f.firstNightBytes, 3600 * 1.25e6);
  assert.equal(f.perNight.weekdays, 2.5 * 3600 * 1.25e6);
  // 4.5 GB tonight, 11.25 GB Wednesday night: done on night 2 at 02:30 + 5.5 GB / 1.25 MB/s.
  assert.equal(f.nights, 2);
  assert.equal(f.finishesAt, new Date(Date.parse('2026-03-11T02:30:00Z') + 4400_000).toISOString());
});

test('forecast: efficiency and the give-up limit', () => {
  const s = scheduleFromPlan(policy, 'UTC');
  const from = Date.parse('2026-03-02T00:00:00Z');
  assert.equal(forecastUpload(13.5e9, s, 10e6, from).nights, 1);
  assert.equal(forecastUpload(13.5e9, s, 10e6, from, { efficiency: 0.9 }).nights, 2);
  const never = forecastUpload(1e15, s, 10e6, from, { maxNights: 10 });
  assert.equal(never.nights, null);
  assert.equal(never.finishesAt, null);
  assert.equal(forecastUpload(0, s, 10e6, from).nights, 0);
});

test('estimate: a first upload is the pool\'s used space less what earlier nights stored', () => {
  assert.deepEqual(estimateUpload({ hasPoints: false, recentStoredBytes: [], storedSoFar: 0, previousTotal: null, poolUsedBytes: 300e9 }),
    { bytes: 300e9, source: 'pool-used', label: 'first upload: pool used space (upper bound)' });
  const resumed = estimateUpload({ hasPoints: false, recentStoredBytes: [], storedSoFar: 40e9, previousTotal: 310e9, poolUsedBytes: 300e9 })!;
  assert.equal(resumed.bytes, 260e9);
  assert.match(resumed.label, /minus what earlier nights stored/);
  assert.equal(estimateUpload({ hasPoints: false, recentStoredBytes: [], storedSoFar: 40e9, previousTotal: 310e9, poolUsedBytes: null })!.bytes, 270e9);
  assert.equal(estimateUpload({ hasPoints: false, recentStoredBytes: [], storedSoFar: 0, previousTotal: null, poolUsedBytes: null }), null);
});

test('estimate: later uploads are about what recent points stored', () => {
  const e = estimateUpload({ hasPoints: true, recentStoredBytes: [1e9, 3e9, 2e9, 9e9, 9e9, 9e9, 9e9, 100e9], storedSoFar: 0, previousTotal: null, poolUsedBytes: 300e9 })!;
  assert.equal(e.bytes, Math.round(42e9 / 7));
  assert.equal(e.source, 'recent-points');
  assert.equal(estimateUpload({ hasPoints: true, recentStoredBytes: [], storedSoFar: 0, previousTotal: null, poolUsedBytes: 1 }), null);
});
