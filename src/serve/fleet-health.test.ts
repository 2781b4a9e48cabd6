import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fleetView, hostHealth, type HostRecord, type StatusAnswer } from './fleet-health.ts';
import { fleetBody } from './schemas.ts';

const NOW = new Date('2026-12-03T12:00:00.000Z');
const SEEN = '2026-12-03T11:30:00.000Z';

/** A host with nothing to say against it. */
function perfect(over: Partial<StatusAnswer> = {}): StatusAnswer {
  return {
    host: 'yoga', now: SEEN, rpoMinutes: 60,
    subvolumes: [
      { subvolume: '@home', critical: true, snapshot: { at: '2026-12-03T11:00:00.000Z', ageMinutes: 30, overRpo: false }, backup: { at: '2026-12-03T02:00:00.000Z', ageMinutes: 570, overRpo: null }, drill: { at: null } },
      { subvolume: '@root', critical: false, snapshot: { at: '2026-12-03T10:00:00.000Z', ageMinutes: 90, overRpo: null }, backup: { at: '2026-12-02T02:00:00.000Z', ageMinutes: 2010, overRpo: null }, drill: { at: null } },
    ],
    backup: { backlogBytes: 0, nightsNeeded: 0, lastRun: { startedAt: '2026-12-03T02:00:00.000Z', finishedAt: '2026-12-03T02:10:00.000Z', outcome: 'complete', message: '', window: null, storedBytes: 10, bandwidth: null } },
    cost: { month: '2026-12', estimateUsd: 1.2, monthToDateUsd: 0.1, budget: { usd: 1.2, budgetUsd: 1.5, fraction: 0.8, level: 'ok' } },
    drill: { running: null, last: [{ level: 'restore', outcome: 'passed', finishedAt: '2026-12-01T03:00:00.000Z', reason: null }] },
    doctor: { counts: { error: 0, warning: 0, info: 2 }, findings: [] },
    warnings: [],
    ...over,
  };
}

const seen = (status: StatusAnswer) => ({ status, seenAt: SEEN });

test('a perfect answer is ok, with its summary: the oldest newest snapshot and backup', () => {
  const h = hostHealth(seen(perfect()), null, NOW);
  assert.equal(h.state, 'ok');
  assert.deepEqual(h.reasons, []);
  assert.equal(h.dataAgeMinutes, 30);
  assert.deepEqual(h.summary, {
    lastSnapshotAt: '2026-12-03T10:00:00.000Z', lastBackupAt: '2026-12-02T02:00:00.000Z', backlogBytes: 0, nightsNeeded: 0,
    costUsd: 1.2, budgetUsd: 1.5, costShare: null, doctorErrors: 0, doctorWarnings: 0,
  });
});

test('a failed last attempt is unreachable, with the failure and the age of the data it keeps', () => {
  const h = hostHealth(seen(perfect()), 'connection refused', NOW);
  assert.equal(h.state, 'unreachable');
  assert.equal(h.reasons[0], 'connection refused');
  assert.match(h.reasons[1]!, /30 minutes old/);
  assert.equal(h.summary?.costUsd, 1.2, 'the last data stays visible');
  const never = hostHealth(null, 'HTTP 401: the token was refused', NOW);
  assert.deepEqual([never.state, never.summary, never.dataAgeMinutes], ['unreachable', null, null]);
  assert.equal(hostHealth(null, null, NOW).state, 'unreachable', 'no data and no failure is not ok either');
});

test('property: a failed attempt is unreachable whatever the cached data says', () => {
  const anyStatus = fc.record({
    errors: fc.nat(3), warnings: fc.nat(3), overRpo: fc.boolean(), nights: fc.option(fc.nat(5)), cost: fc.float({ min: 0, max: 20, noNaN: true }),
    failed: fc.boolean(), statusWarnings: fc.array(fc.string(), { maxLength: 2 }),
  });
  fc.assert(fc.property(fc.option(anyStatus), fc.string({ minLength: 1 }), (s, failure) => {
    const last = s === null ? null : seen(perfect({
      doctor: { counts: { error: s.errors, warning: s.warnings, info: 0 }, findings: [] },
      backup: { backlogBytes: 5, nightsNeeded: s.nights, lastRun: { ...perfect().backup!.lastRun!, outcome: s.failed ? 'failed' : 'complete' } },
      warnings: s.statusWarnings,
    }));
    const h = hostHealth(last, failure, NOW);
    return h.state === 'unreachable' && h.reasons[0] === failure;
  }));
});

test('each failing rule: doctor errors, a critical snapshot over the RPO or missing, a failed backup run, a failed drill', () => {
  const cases: Array<[StatusAnswer, RegExp]> = [
    [perfect({ doctor: { counts: { error: 2, warning: 0, info: 0 }, findings: [] } }), /doctor: 2 errors/],
    [perfect({ subvolumes: [{ ...perfect().subvolumes[0]!, snapshot: { at: '2026-12-03T09:00:00.000Z', ageMinutes: 150, overRpo: true } }] }), /@home: newest snapshot 150 min old, over the RPO of 60 min/],
    [perfect({ subvolumes: [{ ...perfect().subvolumes[0]!, snapshot: { at: null, ageMinutes: null, overRpo: true } }] }), /@home: no snapshot \(critical\)/],
    [perfect({ backup: { ...perfect().backup!, lastRun: { ...perfect().backup!.lastRun!, outcome: 'failed', message: 'repository locked' } } }), /the last backup run failed: repository locked/],
    [perfect({ drill: { running: null, last: [{ level: 'restore', outcome: 'failed', finishedAt: SEEN, reason: 'copy differs' }] } }), /the last restore drill failed: copy differs/],
  ];
  for (const [status, reason] of cases) {
    const h = hostHealth(seen(status), null, NOW);
    assert.equal(h.state, 'failing', reason.source);
    assert.ok(h.reasons.some((r) => reason.test(r)), `${reason.source} in ${JSON.stringify(h.reasons)}`);
  }
});

test('each warning rule: doctor warnings, a backlog of more than one night, cost over budget, status warnings, a subvolume without snapshot or backup', () => {
  const cases: Array<[StatusAnswer, RegExp]> = [
    [perfect({ doctor: { counts: { error: 0, warning: 1, info: 0 }, findings: [] } }), /doctor: 1 warning$/],
    [perfect({ backup: { ...perfect().backup!, backlogBytes: 9e9, nightsNeeded: 3 } }), /backlog needs 3 nights/],
    [perfect({ cost: { ...perfect().cost!, estimateUsd: 2 } }), /\$2\.00 is over the budget of \$1\.50/],
    [perfect({ warnings: ['backup state: unreadable'] }), /^backup state: unreadable$/],
    [perfect({ subvolumes: [perfect().subvolumes[0]!, { ...perfect().subvolumes[1]!, snapshot: { at: null, ageMinutes: null, overRpo: null } }] }), /@root: no snapshot$/],
    [perfect({ subvolumes: [perfect().subvolumes[0]!, { ...perfect().subvolumes[1]!, backup: { at: null, ageMinutes: null, overRpo: null } }] }), /@root: no backup point/],
  ];
  for (const [status, reason] of cases) {
    const h = hostHealth(seen(status), null, NOW);
    assert.equal(h.state, 'warning', reason.source);
    assert.ok(h.reasons.some((r) => reason.test(r)), `${reason.source} in ${JSON.stringify(h.reasons)}`);
  }
  // A backlog of exactly one night is what a nightly backup is for.
  assert.equal(hostHealth(seen(perfect({ backup: { ...perfect().backup!, nightsNeeded: 1 } })), null, NOW).state, 'ok');
  // A subvolume without any: the summary's oldest time is null (it has none at all).
  const none = hostHealth(seen(perfect({ subvolumes: [perfect().subvolumes[0]!, { ...perfect().subvolumes[1]!, backup: { at: null, ageMinutes: null, overRpo: null } }] })), null, NOW);
  assert.equal(none.summary?.lastBackupAt, null);
});

test('a subvolume the plan takes no snapshots of, or never backs up, is never missing them', () => {
  const unplanned = { subvolume: '@nix', critical: false, planned: { snapshots: false, backup: false }, snapshot: { at: null, ageMinutes: null, overRpo: null }, backup: { at: null, ageMinutes: null, overRpo: null }, drill: { at: null } };
  const h = hostHealth(seen(perfect({ subvolumes: [...perfect().subvolumes, unplanned] })), null, NOW);
  assert.equal(h.state, 'ok', JSON.stringify(h.reasons));
  assert.equal(h.summary?.lastSnapshotAt, '2026-12-03T10:00:00.000Z');
  assert.equal(h.summary?.lastBackupAt, '2026-12-02T02:00:00.000Z');
  // Planned but missing: the warning stands.
  const missing = hostHealth(seen(perfect({ subvolumes: [...perfect().subvolumes, { ...unplanned, planned: { snapshots: true, backup: true } }] })), null, NOW);
  assert.deepEqual(missing.reasons, ['@nix: no snapshot', '@nix: no backup point']);
});

test('text from another host is bounded in the reasons: no control characters, long text clipped, many warnings counted', () => {
  const h = hostHealth(seen(perfect({ warnings: ['a\u001b[31mred', 'x'.repeat(1000), ...Array.from({ length: 20 }, (_, i) => `w${i}`)] })), null, NOW);
  assert.equal(h.reasons[0], 'a [31mred');
  assert.equal(h.reasons[1]!.length, 301);
  assert.equal(h.reasons.length, 11);
  assert.equal(h.reasons[10], 'and 12 more warnings');
});

test('failing outranks warning and keeps the warnings among its reasons', () => {
  const h = hostHealth(seen(perfect({ doctor: { counts: { error: 1, warning: 1, info: 0 }, findings: [] } })), null, NOW);
  assert.equal(h.state, 'failing');
  assert.deepEqual(h.reasons, ['doctor: 1 error', 'doctor: 1 warning']);
});

const record = (host: string, status: StatusAnswer | null, failure: string | null = null): HostRecord =>
  ({ host, url: `http://${host}:9720`, checkedAt: NOW.toISOString(), failure, last: status === null ? null : seen(status) });

test('property: the cost shares of the hosts with data sum to 1; hosts without data have none', () => {
  fc.assert(fc.property(fc.array(fc.record({ cost: fc.option(fc.float({ min: 0, max: 100, noNaN: true })), failed: fc.boolean(), seen: fc.boolean() }), { minLength: 1, maxLength: 6 }), (hosts) => {
    const records = hosts.map((h, i) => record(`h${i}`, h.seen ? perfect({ cost: h.cost === null ? null : { ...perfect().cost!, estimateUsd: h.cost } }) : null, h.failed ? 'timeout' : null));
    const view = fleetBody.parse(fleetView(records, NOW));
    const total = hosts.reduce((s, h) => s + (h.seen && h.cost !== null ? h.cost : 0), 0);
    const shares = view.hosts.map((h) => h.summary?.costShare ?? null);
    if (total === 0) return shares.every((s) => s === null);
    const sum = shares.reduce<number>((s, x) => s + (x ?? 0), 0);
    return Math.abs(sum - 1) < 1e-9 && view.hosts.every((h, i) => (hosts[i]!.seen && hosts[i]!.cost !== null) === (h.summary?.costShare != null));
  }));
});

test('the fleet view answers the fleet schema, in the fleet file\'s order', () => {
  const view = fleetView([record('a', perfect()), record('b', null, 'connection refused'), record('c', perfect({ warnings: ['x'] }))], NOW);
  assert.ok(fleetBody.safeParse(view).success);
  assert.deepEqual(view.hosts.map((h) => [h.host, h.state, h.lastSeenAt]), [['a', 'ok', SEEN], ['b', 'unreachable', null], ['c', 'warning', SEEN]]);
  assert.equal(view.hosts[0]!.summary?.costShare, 0.5);
});
