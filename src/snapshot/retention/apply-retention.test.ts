// Hand-computed small cases for every tier, the protections, overlap, ties and invalid input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SnapshotTiers } from '../../plan/types.ts';
import { isPantherError } from '../../core/errors.ts';
import type { RetentionItem, RetentionPolicy } from '../types.ts';
import { applyRetention } from './apply-retention.ts';

function policy(tiers: Partial<SnapshotTiers>, timezone: string | null = null): RetentionPolicy {
  return { tiers: { frequentMinutes: null, frequent: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0, ...tiers }, timezone };
}
const snap = (id: string, time: string, extra: Partial<RetentionItem> = {}): RetentionItem => ({ id, time, ...extra });
/** id → reasons, for kept and deleted alike. */
function decide(items: RetentionItem[], p: RetentionPolicy, now: string): Record<string, { keep: boolean; reasons: string[] }> {
  return Object.fromEntries(applyRetention(items, p, now).map((d) => [d.id, { keep: d.keep, reasons: d.reasons }]));
}

test('daily: the last snapshot of each of the N most recent days that have one; empty days do not count', () => {
  const items = [
    snap('a', '2026-01-01T02:00:00Z'), snap('b', '2026-01-01T14:00:00Z'),
    snap('c', '2026-01-02T02:00:00Z'), snap('d', '2026-01-04T02:00:00Z'), // nothing on 01-03
  ];
  assert.deepEqual(decide(items, policy({ daily: 2 }), '2026-01-04T12:00:00Z'), {
    a: { keep: false, reasons: ['superseded: daily 2026-01-01 is represented by b'] },
    b: { keep: false, reasons: ['expired: daily 2026-01-01 is beyond the 2 most recent days'] },
    c: { keep: true, reasons: ['daily 2026-01-02'] },
    d: { keep: true, reasons: ['newest', 'daily 2026-01-04'] },
  });
  const three = decide(items, policy({ daily: 3 }), '2026-01-04T12:00:00Z');
  assert.deepEqual(three['b'], { keep: true, reasons: ['daily 2026-01-01'] });
  assert.equal(three['a']!.keep, false);
});

test('weekly: ISO weeks, Monday to Sunday, last snapshot of the week', () => {
  const items = [
    snap('mon16', '2026-11-16T02:00:00Z'), snap('sun22', '2026-11-22T03:00:00Z'), // W47
    snap('wed25', '2026-11-25T02:00:00Z'), // W48
    snap('mon30', '2026-11-30T02:00:00Z'), // W49
  ];
  const d = decide(items, policy({ weekly: 2 }), '2026-11-30T12:00:00Z');
  assert.deepEqual(d['mon30']!.reasons, ['newest', 'weekly 2026-W49']);
  assert.deepEqual(d['wed25']!.reasons, ['weekly 2026-W48']);
  assert.deepEqual(d['sun22'], { keep: false, reasons: ['expired: weekly 2026-W47 is beyond the 2 most recent ISO weeks'] });
  assert.deepEqual(d['mon16'], { keep: false, reasons: ['superseded: weekly 2026-W47 is represented by sun22'] });
});

test('monthly: local calendar months, so 31 Jan 23:30 UTC belongs to February in Berlin', () => {
  const items = [
    snap('j1', '2026-01-15T10:00:00Z'), snap('j2', '2026-01-31T23:30:00Z'),
    snap('f1', '2026-02-10T10:00:00Z'), snap('m1', '2026-03-05T10:00:00Z'),
  ];
  const berlin = decide(items, policy({ monthly: 2 }, 'Europe/Berlin'), '2026-03-05T12:00:00Z');
  assert.deepEqual(berlin['m1']!.reasons, ['newest', 'monthly 2026-03']);
  assert.deepEqual(berlin['f1']!.reasons, ['monthly 2026-02']);
  assert.deepEqual(berlin['j2']!.reasons, ['superseded: monthly 2026-02 is represented by f1']);
  assert.deepEqual(berlin['j1']!.reasons, ['expired: monthly 2026-01 is beyond the 2 most recent months']);
  const utc = decide(items, policy({ monthly: 2 }), '2026-03-05T12:00:00Z');
  assert.deepEqual(utc['j2']!.reasons, ['expired: monthly 2026-01 is beyond the 2 most recent months']);
  assert.deepEqual(utc['j1']!.reasons, ['superseded: monthly 2026-01 is represented by j2']);
});

test('yearly: last snapshot of each calendar year', () => {
  const items = [
    snap('y24a', '2024-06-01T00:00:00Z'), snap('y24b', '2024-12-31T23:00:00Z'),
    snap('y25', '2025-03-01T00:00:00Z'), snap('y26', '2026-01-01T00:00:00Z'),
  ];
  const d = decide(items, policy({ yearly: 2 }), '2026-01-01T00:00:00Z');
  assert.deepEqual(Object.entries(d).filter(([, v]) => v.keep).map(([k]) => k), ['y25', 'y26']);
  assert.deepEqual(d['y24b']!.reasons, ['expired: yearly 2024 is beyond the 2 most recent years']);
  assert.deepEqual(d['y24a']!.reasons, ['superseded: yearly 2024 is represented by y24b']);
  // now is inclusive: a snapshot taken exactly at now is not in the future.
  assert.deepEqual(d['y26']!.reasons, ['newest', 'yearly 2026']);
});

test('hourly and frequent: last snapshot of each hour / each M-minute slot', () => {
  const hours = [
    snap('h1000', '2026-11-24T10:00:00Z'), snap('h1030', '2026-11-24T10:30:00Z'), snap('h1059', '2026-11-24T10:59:59Z'),
    snap('h1100', '2026-11-24T11:00:00Z'), snap('h1305', '2026-11-24T13:05:00Z'),
  ];
  const h = decide(hours, policy({ hourly: 2 }), '2026-11-24T13:10:00Z');
  assert.deepEqual(Object.entries(h).filter(([, v]) => v.keep).map(([k]) => k), ['h1100', 'h1305']);
  assert.deepEqual(h['h1059']!.reasons, ['expired: hourly 2026-11-24T10:00+00:00 is beyond the 2 most recent hours']);
  assert.deepEqual(h['h1030']!.reasons, ['superseded: hourly 2026-11-24T10:00+00:00 is represented by h1059']);

  const slots = [
    snap('f00', '2026-11-24T10:00:00Z'), snap('f05', '2026-11-24T10:05:00Z'), snap('f14', '2026-11-24T10:14:00Z'),
    snap('f15', '2026-11-24T10:15:00Z'), snap('f31', '2026-11-24T10:31:00Z'),
  ];
  const f = decide(slots, policy({ frequent: 2, frequentMinutes: 15 }), '2026-11-24T10:40:00Z');
  assert.deepEqual(Object.entries(f).filter(([, v]) => v.keep).map(([k]) => k), ['f15', 'f31']);
  assert.deepEqual(f['f31']!.reasons, ['newest', 'frequent 2026-11-24T10:30+00:00']);
  assert.deepEqual(f['f14']!.reasons, ['expired: frequent 2026-11-24T10:00+00:00 is beyond the 2 most recent slots']);
});

test('tiers overlap: one snapshot counts for every tier whose period it ends, and lists them all', () => {
  const items = [snap('old', '2026-10-31T02:00:00Z'), snap('now', '2026-11-30T02:00:00Z')];
  const d = decide(items, policy({ daily: 7, weekly: 4, monthly: 12, yearly: 1 }), '2026-11-30T03:00:00Z');
  assert.deepEqual(d['now']!.reasons, ['newest', 'daily 2026-11-30', 'weekly 2026-W49', 'monthly 2026-11', 'yearly 2026']);
  assert.deepEqual(d['old']!.reasons, ['daily 2026-10-31', 'weekly 2026-W44', 'monthly 2026-10']);
});

test('never deleted: newest, pinned, held (each hold named), future-dated; everything else goes when all tiers are 0', () => {
  const items = [
    snap('plain', '2026-01-01T00:00:00Z'),
    snap('pinned', '2026-01-02T00:00:00Z', { pinned: true }),
    snap('held', '2026-01-03T00:00:00Z', { holds: ['backup:parent', 'backup:b2'] }),
    snap('no-holds', '2026-01-03T12:00:00Z', { holds: [], pinned: false }),
    snap('latest', '2026-01-04T00:00:00Z'),
    snap('skewed', '2026-01-09T00:00:00Z'),
  ];
  assert.deepEqual(decide(items, policy({}), '2026-01-05T00:00:00Z'), {
    plain: { keep: false, reasons: ['expired: no tier keeps snapshots (all counts are 0)'] },
    pinned: { keep: true, reasons: ['pinned'] },
    held: { keep: true, reasons: ['held by backup:parent', 'held by backup:b2'] },
    'no-holds': { keep: false, reasons: ['expired: no tier keeps snapshots (all counts are 0)'] },
    latest: { keep: true, reasons: ['newest'] },
    skewed: { keep: true, reasons: ['in the future (clock skew?)'] },
  });
});

test('a future-dated snapshot takes no part in the tiers: it cannot push today\'s real snapshot out', () => {
  const items = [snap('real', '2026-01-05T10:00:00Z'), snap('skewed', '2026-01-05T20:00:00Z')];
  const d = decide(items, policy({ daily: 1 }), '2026-01-05T12:00:00Z');
  assert.deepEqual(d['real']!.reasons, ['newest', 'daily 2026-01-05']);
  assert.deepEqual(d['skewed']!.reasons, ['in the future (clock skew?)']);
});

test('snapshots taken in the same millisecond are ordered by id; decisions keep the input order', () => {
  const items = [snap('b', '2026-01-05T10:00:00Z'), snap('c', '2026-01-04T10:00:00Z'), snap('a', '2026-01-05T10:00:00.000Z')];
  const decisions = applyRetention(items, policy({ daily: 1 }), '2026-01-06T00:00:00Z');
  assert.deepEqual(decisions.map((x) => x.id), ['b', 'c', 'a']);
  assert.deepEqual(decisions.map((x) => x.keep), [true, false, false]);
  assert.deepEqual(decisions[2]!.reasons, ['superseded: daily 2026-01-05 is represented by b']);
  assert.deepEqual(applyRetention([], policy({ daily: 1 }), '2026-01-06T00:00:00Z'), []);
});

test('invalid input is refused with every problem listed and a hint', () => {
  const items = [snap('x', '2026-02-30T00:00:00Z'), snap('x', '2026-01-01T00:00:00Z'), snap('y', '1 Jan 2026')];
  const bad = { tiers: { ...policy({}).tiers, daily: -1, weekly: 1.5, frequent: 2 }, timezone: 'Mars/Olympus' };
  assert.throws(() => applyRetention(items, bad, 'now'), (error: unknown) => {
    assert.ok(isPantherError(error));
    assert.equal(error.code, 'retention-invalid');
    assert.match(error.hint ?? '', /ISO-8601/);
    const problems = error.details?.['problems'] as string[];
    for (const want of [/policy\.tiers\.daily/, /policy\.tiers\.weekly/, /frequentMinutes: required/, /unknown time zone "Mars\/Olympus"/,
      /^now:/, /items\[0\]\.time/, /items\[1\]\.id: duplicate of items\[0\]/, /items\[2\]\.time/]) {
      assert.ok(problems.some((p) => want.test(p)), `${want} in ${problems.join(' | ')}`);
    }
    assert.equal(problems.length, 8);
    return true;
  });
});
