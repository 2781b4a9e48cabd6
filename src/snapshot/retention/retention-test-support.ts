// Test-only: fast-check generators and the invariant checker shared by the retention property tests.
// (Not a *.test.ts file so that importing it does not register tests twice.)
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { SnapshotTiers } from '../../plan/types.ts';
import type { RetentionDecision, RetentionItem, RetentionPolicy } from '../types.ts';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** Whole-hour, half-hour, 45-minute, 30-minute-DST and midnight-DST zones. */
export const ZONES: Array<string | null> = [
  null, 'UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Asia/Kolkata', 'Asia/Kathmandu',
  'Australia/Lord_Howe', 'America/Santiago', 'Pacific/Chatham',
];

export const tiersArb: fc.Arbitrary<SnapshotTiers> = fc.record({
  frequentMinutes: fc.constantFrom(5, 15, 30, 45, 60, 120),
  frequent: fc.integer({ min: 0, max: 5 }),
  hourly: fc.integer({ min: 0, max: 5 }),
  daily: fc.integer({ min: 0, max: 5 }),
  weekly: fc.integer({ min: 0, max: 4 }),
  monthly: fc.integer({ min: 0, max: 4 }),
  yearly: fc.integer({ min: 0, max: 3 }),
});

export const policyArb: fc.Arbitrary<RetentionPolicy> = fc.record({ tiers: tiersArb, timezone: fc.constantFrom(...ZONES) });

const rare = fc.integer({ min: 0, max: 9 }).map((x) => x === 0);

/** Items around a random instant of 2024–2026 at one of several spacings, so periods collide; equal times happen. */
export const itemsArb: fc.Arbitrary<RetentionItem[]> = fc
  .record({
    base: fc.integer({ min: Date.UTC(2024, 0, 1) / MIN, max: Date.UTC(2027, 0, 1) / MIN }).map((m) => m * MIN),
    scale: fc.constantFrom(5 * MIN, 17 * MIN, HOUR, 6 * HOUR, DAY, 9 * DAY),
    raw: fc.array(fc.record({ at: fc.integer({ min: 0, max: 120 }), sec: fc.integer({ min: 0, max: 2 }), pinned: rare, held: rare }), { maxLength: 40 }),
  })
  .map(({ base, scale, raw }) => raw.map((r, i) => ({
    id: `s${String(i).padStart(2, '0')}`,
    time: new Date(base + r.at * scale + r.sec * 1000).toISOString(),
    ...(r.pinned ? { pinned: true } : {}),
    ...(r.held ? { holds: ['backup:parent'] } : {}),
  })));

/** `now` from two days before the newest item (some items in the future) to 40 days after. */
export function nowFor(items: RetentionItem[], shiftMinutes: number): string {
  const newest = Math.max(Date.UTC(2024, 0, 1), ...items.map((i) => Date.parse(i.time)));
  return new Date(newest + shiftMinutes * MIN).toISOString();
}
export const shiftArb = fc.integer({ min: -2 * 1440, max: 40 * 1440 });

export function keptIds(decisions: RetentionDecision[]): string[] {
  return decisions.filter((d) => d.keep).map((d) => d.id);
}

/** newer-than in the documented total order: time, then id. */
export function newer(a: RetentionItem, b: RetentionItem): boolean {
  const ta = Date.parse(a.time);
  const tb = Date.parse(b.time);
  return ta !== tb ? ta > tb : a.id > b.id;
}

/** Everything that must hold for any input; the expectations are computed here, not by the code under test. */
export function assertInvariants(items: RetentionItem[], policy: RetentionPolicy, now: string, decisions: RetentionDecision[]): void {
  assert.deepEqual(decisions.map((d) => d.id), items.map((i) => i.id), 'one decision per item, same order');
  const nowMs = Date.parse(now);
  const past = items.filter((i) => Date.parse(i.time) <= nowMs);
  const newest = past.reduce<RetentionItem | undefined>((best, i) => (best === undefined || newer(i, best) ? i : best), undefined);
  let future = 0;
  let pinned = 0;
  let held = 0;
  items.forEach((item, i) => {
    const d = decisions[i]!;
    assert.ok(d.reasons.length > 0, `${item.id} has reasons`);
    const isFuture = Date.parse(item.time) > nowMs;
    if (isFuture) { future += 1; assert.ok(d.keep && d.reasons.includes('in the future (clock skew?)'), `${item.id} in the future is kept`); }
    if (item.pinned === true) { pinned += 1; assert.ok(d.keep && d.reasons.includes('pinned'), `${item.id} pinned is kept`); }
    for (const h of item.holds ?? []) assert.ok(d.keep && d.reasons.includes(`held by ${h}`), `${item.id} held is kept`);
    if ((item.holds ?? []).length > 0) held += 1;
    if (item === newest) assert.ok(d.keep && d.reasons.includes('newest'), `${item.id} newest is kept`);
    else assert.ok(!d.reasons.includes('newest'), `${item.id} is not the newest`);
    if (!d.keep) assert.ok(d.reasons.every((r) => r.startsWith('expired: ') || r.startsWith('superseded: ')), `${item.id}: ${d.reasons.join('; ')}`);
  });
  const t = policy.tiers;
  const sum = t.frequent + t.hourly + t.daily + t.weekly + t.monthly + t.yearly;
  const kept = decisions.filter((d) => d.keep).length;
  assert.ok(kept <= sum + pinned + held + 1 + future, `kept ${kept} ≤ ${sum} + ${pinned} + ${held} + 1 + ${future}`);
  for (const tier of ['frequent', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const) {
    const n = decisions.filter((d) => d.reasons.some((r) => r.startsWith(`${tier} `))).length;
    assert.ok(n <= t[tier], `${tier}: ${n} keepers ≤ ${t[tier]}`);
  }
}
