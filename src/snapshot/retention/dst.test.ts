// DST: calendar tiers follow the local calendar (23- and 25-hour days are one day each); slot tiers
// follow real time (the repeated autumn hour is two hours). Expectations are hand-computed instants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { SnapshotTiers } from '../../plan/types.ts';
import type { RetentionItem } from '../types.ts';
import { applyRetention } from './apply-retention.ts';
import { HOUR, assertInvariants } from './retention-test-support.ts';

const tiers = (t: Partial<SnapshotTiers>): SnapshotTiers => ({ frequentMinutes: null, frequent: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0, ...t });

/** A snapshot at every full UTC hour in [from, to): in Berlin that is every local full hour. */
function hourly(from: string, to: string): RetentionItem[] {
  const items: RetentionItem[] = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += HOUR) items.push({ id: new Date(t).toISOString(), time: new Date(t).toISOString() });
  return items;
}
const keptWith = (items: RetentionItem[], t: SnapshotTiers, reason: string, zone = 'Europe/Berlin'): string[] => {
  const now = items[items.length - 1]!.time;
  return applyRetention(items, { tiers: t, timezone: zone }, now).filter((d) => d.reasons.some((r) => r.startsWith(reason))).map((d) => d.id);
};

// 28 Mar 00:00 CET = 27 Mar 23:00Z … 31 Mar 00:00 CEST = 30 Mar 22:00Z: days of 24, 23 and 24 hours.
const SPRING = hourly('2026-03-27T23:00:00Z', '2026-03-30T22:00:00Z');
// 24 Oct 00:00 CEST = 23 Oct 22:00Z … 27 Oct 00:00 CET = 26 Oct 23:00Z: days of 24, 25 and 24 hours.
const AUTUMN = hourly('2026-10-23T22:00:00Z', '2026-10-26T23:00:00Z');

test('DST spring (Europe/Berlin 2026-03-29): one daily keeper per local day, the last hour of each', () => {
  assert.equal(SPRING.length, 24 + 23 + 24);
  // 23:00 local: 28 Mar CET = 22:00Z; 29 and 30 Mar CEST = 21:00Z.
  assert.deepEqual(keptWith(SPRING, tiers({ daily: 10 }), 'daily '), ['2026-03-28T22:00:00.000Z', '2026-03-29T21:00:00.000Z', '2026-03-30T21:00:00.000Z']);
  assert.deepEqual(keptWith(SPRING, tiers({ daily: 2 }), 'daily '), ['2026-03-29T21:00:00.000Z', '2026-03-30T21:00:00.000Z']);
  // Every real hour is its own hourly period: 71 snapshots, 71 hourly keepers.
  assert.equal(keptWith(SPRING, tiers({ hourly: 100 }), 'hourly ').length, 71);
});

test('DST autumn (Europe/Berlin 2026-10-25): the 25-hour day is one day; its repeated 02:00 hour is two hours', () => {
  assert.equal(AUTUMN.length, 24 + 25 + 24);
  // 23:00 local: 24 Oct CEST = 21:00Z; 25 and 26 Oct CET = 22:00Z.
  assert.deepEqual(keptWith(AUTUMN, tiers({ daily: 10 }), 'daily '), ['2026-10-24T21:00:00.000Z', '2026-10-25T22:00:00.000Z', '2026-10-26T22:00:00.000Z']);
  assert.equal(keptWith(AUTUMN, tiers({ hourly: 100 }), 'hourly ').length, 73);
  const now = AUTUMN[AUTUMN.length - 1]!.time;
  const reasons = applyRetention(AUTUMN, { tiers: tiers({ hourly: 100 }), timezone: 'Europe/Berlin' }, now);
  assert.deepEqual(reasons.find((d) => d.id === '2026-10-25T00:00:00.000Z')!.reasons, ['hourly 2026-10-25T02:00+02:00']);
  assert.deepEqual(reasons.find((d) => d.id === '2026-10-25T01:00:00.000Z')!.reasons, ['hourly 2026-10-25T02:00+01:00']);
  // Three hours back from 03:00Z is 01:00Z (the second 02:00, CET): the first 02:00 (CEST, 00:00Z) is an older hour.
  assert.deepEqual(keptWith(AUTUMN.slice(0, 30), tiers({ hourly: 3 }), 'hourly '), ['2026-10-25T01:00:00.000Z', '2026-10-25T02:00:00.000Z', '2026-10-25T03:00:00.000Z']);
});

test('DST: random hourly series across either Berlin change keep exactly one daily per local day and all invariants', () => {
  const berlin = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' });
  const localDay = (iso: string): string => berlin.format(new Date(iso));
  fc.assert(fc.property(
    fc.constantFrom('2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z'),
    fc.integer({ min: -60, max: 0 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }),
    (change, before, after, daily, stepHours) => {
      const at = Date.parse(change);
      const items = hourly(new Date(at + before * HOUR).toISOString(), new Date(at + after * HOUR).toISOString())
        .filter((_, i) => i % stepHours === 0);
      const policy = { tiers: tiers({ daily, hourly: 3 }), timezone: 'Europe/Berlin' };
      const now = items[items.length - 1]!.time;
      const decisions = applyRetention(items, policy, now);
      assertInvariants(items, policy, now, decisions);
      const days = [...new Set(items.map((i) => localDay(i.time)))].sort();
      const keepers = decisions.filter((d) => d.reasons.some((r) => r.startsWith('daily ')));
      assert.equal(keepers.length, Math.min(daily, days.length));
      assert.deepEqual(keepers.map((d) => localDay(d.id)), days.slice(-keepers.length));
      for (const k of keepers) {
        const sameDay = items.filter((i) => localDay(i.time) === localDay(k.id));
        assert.equal(k.id, sameDay[sameDay.length - 1]!.id, 'the last snapshot of its local day');
      }
    }), { numRuns: 300 });
});
