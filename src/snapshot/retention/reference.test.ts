// A second, deliberately naive implementation of docs/RETENTION.md that shares no code with
// apply-retention.ts (other Intl calls, another ISO-week algorithm, quadratic counting); random
// inputs must get the same keep/delete and the same reasons from both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Tier } from '../../plan/types.ts';
import type { RetentionItem, RetentionPolicy } from '../types.ts';
import { applyRetention } from './apply-retention.ts';
import { DAY, MIN, itemsArb, newer, nowFor, policyArb, shiftArb } from './retention-test-support.ts';

const TIER_ORDER: Tier[] = ['frequent', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'];

function two(n: number): string { return String(n).padStart(2, '0'); }

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = formatters.get(key);
  if (f === undefined) { f = make(); formatters.set(key, f); }
  return f;
}

/** Local fields via the Swedish locale ("2026-10-25 02:30:00") and the offset via "GMT+02:00". */
function local(ms: number, zone: string | null): { y: number; mo: number; d: number; h: number; mi: number; offsetMin: number } {
  const timeZone = zone ?? 'UTC';
  const text = formatter(`sv ${timeZone}`, () => new Intl.DateTimeFormat('sv-SE', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  })).format(ms);
  const [y, mo, d, h, mi] = text.split(/[- :]/).map(Number) as [number, number, number, number, number];
  const name = formatter(`offset ${timeZone}`, () => new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }))
    .formatToParts(ms).find((p) => p.type === 'timeZoneName')!.value;
  const m = /GMT(?:([+-])(\d\d):(\d\d))?/.exec(name)!;
  const offsetMin = m[1] === undefined ? 0 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  return { y, mo, d, h, mi, offsetMin };
}

/** ISO week by "week 1 is the week that contains 4 January". */
function isoWeekRef(y: number, mo: number, d: number): string {
  const date = Date.UTC(y, mo - 1, d);
  const week1Monday = (year: number): number => {
    const jan4 = Date.UTC(year, 0, 4);
    return jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY;
  };
  let year = y + 1;
  while (week1Monday(year) > date) year -= 1;
  return `${year}-W${two(Math.floor((date - week1Monday(year)) / (7 * DAY)) + 1)}`;
}

function refKey(tier: Tier, ms: number, zone: string | null, frequentMinutes: number): string {
  const l = local(ms, zone);
  if (tier === 'frequent' || tier === 'hourly') {
    const size = tier === 'hourly' ? 60 : frequentMinutes;
    const wallMinutes = Math.floor((ms / MIN) + l.offsetMin);
    const start = new Date((wallMinutes - (((wallMinutes % size) + size) % size)) * MIN);
    const sign = l.offsetMin < 0 ? '-' : '+';
    const abs = Math.abs(l.offsetMin);
    return `${start.toISOString().slice(0, 16)}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
  }
  if (tier === 'daily') return `${l.y}-${two(l.mo)}-${two(l.d)}`;
  if (tier === 'weekly') return isoWeekRef(l.y, l.mo, l.d);
  if (tier === 'monthly') return `${l.y}-${two(l.mo)}`;
  return String(l.y);
}

function reference(items: RetentionItem[], policy: RetentionPolicy, now: string): Array<{ keep: boolean; reasons: string[] }> {
  const nowMs = Date.parse(now);
  const past = items.filter((i) => Date.parse(i.time) <= nowMs);
  return items.map((x) => {
    const reasons: string[] = [];
    const isPast = Date.parse(x.time) <= nowMs;
    if (isPast && past.every((y) => y === x || newer(x, y))) reasons.push('newest');
    if (x.pinned === true) reasons.push('pinned');
    for (const h of x.holds ?? []) reasons.push(`held by ${h}`);
    if (!isPast) reasons.push('in the future (clock skew?)');
    for (const tier of TIER_ORDER) {
      const n = policy.tiers[tier];
      if (n === 0 || !isPast) continue;
      const key = (i: RetentionItem): string => refKey(tier, Date.parse(i.time), policy.timezone, policy.tiers.frequentMinutes ?? 1);
      const mine = key(x);
      const laterKeys = past.filter((y) => newer(y, x)).map(key);
      // Last of its period, and fewer than n other periods hold a later snapshot.
      if (!laterKeys.includes(mine) && new Set(laterKeys).size < n) reasons.push(`${tier} ${mine}`);
    }
    return { keep: reasons.length > 0, reasons };
  });
}

test('a brute-force reference implementation agrees with applyRetention on random inputs', () => {
  fc.assert(fc.property(itemsArb, policyArb, shiftArb, (items, policy, shift) => {
    const now = nowFor(items, shift);
    const got = applyRetention(items, policy, now);
    const want = reference(items, policy, now);
    got.forEach((d, i) => {
      assert.equal(d.keep, want[i]!.keep, `${d.id}: ${d.reasons.join('; ')}`);
      if (d.keep) assert.deepEqual(d.reasons, want[i]!.reasons);
    });
  }), { numRuns: 1000 });
});

test('the reference itself sees the DST keys it should (guards the guard)', () => {
  assert.equal(refKey('hourly', Date.parse('2026-10-25T00:30:00Z'), 'Europe/Berlin', 60), '2026-10-25T02:00+02:00');
  assert.equal(refKey('hourly', Date.parse('2026-10-25T01:30:00Z'), 'Europe/Berlin', 60), '2026-10-25T02:00+01:00');
  assert.equal(isoWeekRef(2027, 1, 1), '2026-W53');
  assert.equal(isoWeekRef(2024, 12, 30), '2025-W01');
});
