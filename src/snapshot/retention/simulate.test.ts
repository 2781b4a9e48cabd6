// The simulator: the worked example of docs/RETENTION.md (hand-computed), timers across DST, the
// per-day summary, and its agreement with a single retention pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SnapshotTiers } from '../../plan/types.ts';
import type { RetentionPolicy } from '../types.ts';
import { applyRetention } from './apply-retention.ts';
import { openZone } from '../../core/local-time.ts';
import { creationTimes } from './schedule.ts';
import { simulateRetention, snapshotId } from './simulate.ts';

const tiers = (t: Partial<SnapshotTiers>): SnapshotTiers => ({ frequentMinutes: null, frequent: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0, ...t });
const LAPTOP: RetentionPolicy = { tiers: tiers({ daily: 7, weekly: 4, monthly: 12 }), timezone: 'Europe/Berlin' };
// 1 Oct 2025 00:00 CEST; 400 local days later is 5 Nov 2026 00:00 CET.
const START = '2025-09-30T22:00:00Z';
const instants = (local: string[]): number[] => local.map((t) => Date.parse(t)).sort((a, b) => a - b);
const keptInstants = (r: ReturnType<typeof simulateRetention>): number[] => r.kept.map((k) => Date.parse(k.time));

// Hand-computed from the calendar: 4 Nov 2026 is a Wednesday, 1 Nov and 25 Oct are Sundays; timers
// daily 02:00, Sunday 03:00, 1st 04:00. Month ends: last day 02:00, 03:00 when it is a Sunday (31 May).
const MONTH_ENDS = ['2025-12-31', '2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31', '2026-06-30', '2026-07-31', '2026-08-31', '2026-09-30'];
const offset = (date: string): string => (date >= '2026-03-29' && date < '2026-10-25' ? '+02:00' : '+01:00');

test('worked example: laptop 7/4/12 after 400 days keeps 19 snapshots (7 daily + 2 weekly + 10 monthly)', () => {
  const r = simulateRetention(LAPTOP, { days: 400, start: START });
  const expected = instants([
    ...['2026-11-04', '2026-11-03', '2026-11-02', '2026-10-31', '2026-10-30', '2026-10-29'].map((d) => `${d}T02:00${offset(d)}`),
    '2026-11-01T04:00+01:00', // Sunday the 1st: daily, weekly and monthly timers; the monthly one is last
    '2026-10-25T03:00+01:00', '2026-10-18T03:00+02:00', // weeks 43 and 42: their Sunday 03:00
    ...MONTH_ENDS.map((d) => `${d}T${d === '2026-05-31' ? '03:00' : '02:00'}${offset(d)}`),
  ]);
  assert.deepEqual(keptInstants(r), expected);
  assert.equal(r.kept.length, 19);
  const newest = r.kept[r.kept.length - 1]!;
  assert.deepEqual(newest.reasons, ['newest', 'daily 2026-11-04', 'weekly 2026-W45', 'monthly 2026-11']);
  assert.equal(newest.local, '2026-11-04 02:00 +01:00');
  // 400 dailies + 57 Sundays + 14 firsts of the month, less one: on Sunday 29 March 2026 the 02:00
  // daily falls in the DST gap, fires at 03:00 CEST and is the same snapshot as the weekly one.
  assert.equal(r.created, 400 + 57 + 14 - 1);
});

test('worked example: with the @home frequent tier (24 × 60 min) the same laptop keeps 42', () => {
  const r = simulateRetention({ ...LAPTOP, tiers: { ...LAPTOP.tiers, frequent: 24, frequentMinutes: 60 } }, { days: 400, start: START });
  const hours = Array.from({ length: 24 }, (_, h) => `2026-11-04T${String(h).padStart(2, '0')}:00+01:00`);
  const expected = instants([
    ...hours, // 24 frequent slots; 23:00 is also daily, weekly and monthly
    ...['2026-11-03', '2026-11-02', '2026-11-01', '2026-10-31', '2026-10-30', '2026-10-29'].map((d) => `${d}T23:00+01:00`),
    '2026-10-25T23:00+01:00', '2026-10-18T23:00+02:00',
    ...MONTH_ENDS.map((d) => `${d}T23:00${offset(d)}`),
  ]);
  assert.deepEqual(keptInstants(r), expected);
  assert.equal(r.kept.length, 42);
});

test('timers across DST: a fixed time in the spring gap fires after it, a repeated one fires once, every-60 gives 23 and 25 a day', () => {
  const berlin = openZone('Europe/Berlin');
  const daily = creationTimes([{ type: 'daily', at: '02:30' }], berlin, Date.parse('2026-03-28T00:00:00Z'), Date.parse('2026-03-31T00:00:00Z'));
  assert.deepEqual(daily.map((t) => new Date(t).toISOString()), ['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
  const autumn = creationTimes([{ type: 'daily', at: '02:30' }], berlin, Date.parse('2026-10-25T00:00:00Z'), Date.parse('2026-10-26T00:00:00Z'));
  assert.deepEqual(autumn.map((t) => new Date(t).toISOString()), ['2026-10-25T00:30:00.000Z']);
  const count = (from: string, to: string): number => creationTimes([{ type: 'every', minutes: 60 }], berlin, Date.parse(from), Date.parse(to)).length;
  assert.equal(count('2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z'), 23);
  assert.equal(count('2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z'), 25);
});

test('simulating hourly snapshots over both Berlin DST weeks keeps one daily per local day', () => {
  for (const start of ['2026-03-25T23:00:00Z', '2026-10-21T22:00:00Z']) {
    const r = simulateRetention({ tiers: tiers({ daily: 30 }), timezone: 'Europe/Berlin' }, { days: 7, start, schedule: [{ type: 'every', minutes: 60 }] });
    assert.equal(r.days.length, 7);
    assert.deepEqual(r.days.map((d) => d.survivors), [1, 1, 1, 1, 1, 1, 1]);
    assert.ok(r.kept.every((k) => k.local.slice(11, 16) === '23:00'), 'the last hour of each local day');
    // The change day (the 4th of the 7: 29 March, 25 October) has 23 hourly snapshots in spring, 25 in autumn.
    assert.deepEqual(r.days.map((d) => d.created), [24, 24, 24, start.startsWith('2026-03') ? 23 : 25, 24, 24, 24]);
  }
});

test('the per-day timeline adds up, and pruning after every snapshot ends where one pass over all of them does', () => {
  const policy: RetentionPolicy = { tiers: tiers({ frequent: 6, frequentMinutes: 240, daily: 5, weekly: 3, monthly: 2, yearly: 1 }), timezone: 'America/New_York' };
  const r = simulateRetention(policy, { days: 90, start: '2026-01-10T05:00:00Z' });
  assert.equal(r.days.length, 90);
  assert.equal(r.days.reduce((n, d) => n + d.created, 0), r.created);
  assert.equal(r.days.reduce((n, d) => n + d.survivors, 0), r.kept.length);
  assert.equal(r.days[r.days.length - 1]!.present, r.kept.length);
  assert.ok(r.peak >= r.kept.length && r.peak <= 6 + 5 + 3 + 2 + 1 + 1);
  const all = creationTimes(r.schedule, openZone(policy.timezone), Date.parse(r.start), Date.parse(r.end))
    .map((t) => ({ id: snapshotId(t), time: new Date(t).toISOString() }));
  const once = applyRetention(all, policy, all[all.length - 1]!.time).filter((d) => d.keep).map((d) => d.id);
  assert.deepEqual(r.kept.map((k) => k.id), once);
});

test('simulateRetention refuses bad windows and schedules', () => {
  assert.throws(() => simulateRetention(LAPTOP, { days: 0, start: START }), /days: a whole number/);
  assert.throws(() => simulateRetention(LAPTOP, { days: 10, start: 'last tuesday' }), /start: not an ISO-8601 instant/);
  assert.throws(() => simulateRetention(LAPTOP, { days: 10, start: START, schedule: [{ type: 'every', minutes: 7 }] }), /does not divide a day/);
  assert.throws(() => simulateRetention(LAPTOP, { days: 10, start: START, schedule: [{ type: 'daily', at: '25:00' }] }), /not HH:MM/);
  assert.throws(() => simulateRetention(LAPTOP, { days: 3660, start: START, schedule: [{ type: 'every', minutes: 1 }] }), /snapshots in 3660 days/);
});
