import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { METRICS } from '../catalog.ts';
import { gauges, snapshotCounts, type CollectInputs, type SnapshotEntry } from './gauges.ts';
import { beginDrill, effectiveState, emptyDrillState, finishDrill } from '../../drill/state.ts';
import type { DrillResult, DrillState, SubvolumeDrill } from '../../drill/types.ts';
import { scrubFinishedAt } from './read.ts';

const NOW = '2026-12-03T12:00:00Z';
const tiers = { frequentMinutes: null, frequent: 0, hourly: 24, daily: 7, weekly: 4, monthly: 12, yearly: 0 };
const snap = (id: string, time: string, origin: SnapshotEntry['origin'] = 'timeline'): SnapshotEntry => ({ id, time, origin, pinned: false, holds: [] });

const download = (bytes: number) => ({ bytes, usd: 0, budgetUsd: null });
const restored = (subvolume: string, over: Partial<SubvolumeDrill> = {}): SubvolumeDrill => ({
  subvolume, point: `p-${subvolume}`, snapshot: `${subvolume}.s`, snapshotTime: '2026-11-30T02:00:00Z', chainLength: 2,
  restoredBytes: 6e9, storedBytes: 4e9, sourceBytes: 6e9, restoreMs: 120_000, verifiedAgainst: 'source-snapshot',
  differences: 0, differenceSample: [], databases: [],
  rto: { objectiveMinutes: 240, impliedMinutes: 2, impliedMinutesAtLink: 53, linkBitsPerSecond: 1e7, met: true }, ok: true, ...over,
});
const result = (level: DrillResult['level'], startedAt: string, finishedAt: string, outcome: DrillResult['outcome'], over: Partial<DrillResult> = {}): DrillResult => ({
  level, startedAt, finishedAt, outcome, repository: 's3://b/p', download: download(1e6), subvolumes: [], deferred: [], ...over,
});

/** Integrity passed 1 day ago; restore passed 30 days ago, then failed 2 days ago (RTO missed); disaster never ran. */
function drillState(): DrillState {
  let state = emptyDrillState('h1', '2026-10-01T00:00:00Z');
  state = finishDrill(state, result('restore', '2026-11-03T12:00:00Z', '2026-11-03T12:30:00Z', 'passed', { subvolumes: [restored('@db')] }));
  state = finishDrill(state, result('integrity', '2026-12-02T12:00:00Z', '2026-12-02T12:10:00Z', 'passed', { download: download(5e8) }));
  state = finishDrill(state, result('restore', '2026-12-01T12:00:00Z', '2026-12-01T13:00:00Z', 'failed', {
    download: download(7e9),
    subvolumes: [
      restored('@db', {
        restoreMs: 60_000, restoredBytes: 3e9,
        rto: { objectiveMinutes: 30, impliedMinutes: 45, impliedMinutesAtLink: 90, linkBitsPerSecond: 1e7, met: false },
        databases: [
          { kind: 'postgres', dataDir: '16/main', ok: true, answeredAfterMs: 4_500 },
          { kind: 'postgres', dataDir: '15/main', ok: true, answeredAfterMs: 2_000 },
          { kind: 'redis', dataDir: '.', ok: false, answeredAfterMs: null },
        ],
      }),
      restored('@home', { rto: { objectiveMinutes: null, impliedMinutes: 10, impliedMinutesAtLink: 20, linkBitsPerSecond: 1e7, met: null } }),
    ],
  }));
  return state;
}

function inputs(over: Partial<CollectInputs> = {}): CollectInputs {
  return {
    host: 'h1',
    subvolumes: [
      { subvolume: '@home', critical: true, policy: { tiers, timezone: null }, snapshots: [snap('a', '2026-12-03T10:00:00Z'), snap('m', '2026-12-03T11:00:00Z', 'manual')] },
      { subvolume: '@db', policy: { tiers, timezone: null }, snapshots: [snap('b', '2026-12-03T06:00:00Z'), snap('c', '2026-12-02T06:00:00Z')] },
    ],
    pools: [{
      device: '/dev/sda', usage: { sizeBytes: 1000, usedBytes: 870 }, balanceRunning: false,
      deviceErrors: [{ device: '/dev/sda2', counters: { write_io: 0, read_io: 2, flush_io: 0, corruption: 1, generation: 0 } }],
      scrub: { finishedAt: '2026-12-01T12:00:00Z', errors: 3 },
    }],
    costUsd: 4.5,
    backup: { lastComplete: [{ subvolume: '@home', at: '2026-12-02T02:00:00Z' }, { subvolume: '@db', at: '2026-12-03T02:00:00Z' }], backlogBytes: 5e9, nightsNeeded: 2 },
    snapshotSizes: [{ subvolume: '@home', bytes: 1234 }],
    drill: drillState(),
    ...over,
  };
}

const value = (g: ReturnType<typeof gauges>, name: string, tags: Record<string, string> = {}): number | undefined =>
  g.find((x) => x.name === name && Object.entries(tags).every(([k, v]) => x.tags[k] === v))?.value;

test('gauges: every collector metric of the catalog, with exactly its tags', () => {
  const g = gauges(inputs(), NOW);
  for (const def of METRICS.filter((m) => m.source === 'collector')) {
    const series = g.filter((x) => x.name === def.name);
    assert.ok(series.length > 0, `${def.name} missing`);
    for (const s of series) assert.deepEqual(Object.keys(s.tags).sort(), [...def.tags].sort(), def.name);
  }
  assert.ok(g.every((x) => METRICS.some((m) => m.name === x.name && m.source === 'collector')));
});

test('gauges: values', () => {
  const g = gauges(inputs(), NOW);
  // @db's newest is 06:00 (6 h), @home's 11:00 (1 h): the stalest subvolume wins.
  assert.equal(value(g, 'pantheros.snapshot.age'), 6);
  // Only @home is critical: the RPO age is its newest snapshot's (11:00, 1 h), not @db's.
  assert.equal(value(g, 'pantheros.snapshot.rpo_age'), 1);
  assert.equal(value(g, 'pantheros.disk.usage', { device: '/dev/sda' }), 87);
  assert.equal(value(g, 'pantheros.btrfs.balance'), 0);
  assert.equal(value(g, 'pantheros.btrfs.device_errors', { device: '/dev/sda2', type: 'read_io' }), 2);
  assert.equal(value(g, 'pantheros.btrfs.device_errors', { type: 'corruption' }), 1);
  assert.equal(value(g, 'pantheros.btrfs.scrub.age'), 48);
  assert.equal(value(g, 'pantheros.btrfs.scrub.errors'), 3);
  assert.equal(value(g, 'pantheros.backup.b2.cost'), 4.5);
  assert.equal(value(g, 'pantheros.backup.age'), 34);
  assert.equal(value(g, 'pantheros.backup.backlog'), 5e9);
  assert.equal(value(g, 'pantheros.backup.nights_needed'), 2);
  assert.equal(value(g, 'pantheros.snapshot.size', { subvol: '@home' }), 1234);
  assert.equal(value(g, 'pantheros.snapshot.count', { type: 'manual' }), 1);
  // a (12-03 10:00), b (12-03 06:00), c (12-02 06:00): each the last of its hour; b and a share a day.
  assert.equal(value(g, 'pantheros.snapshot.count', { type: 'hourly' }), 3);
  assert.equal(value(g, 'pantheros.snapshot.count', { type: 'daily' }), 3);
  assert.equal(value(g, 'pantheros.snapshot.count', { type: 'yearly' }), 0);
  assert.ok(g.every((x) => x.tags['host'] === 'h1'));
});

test('gauges: drills per level (outcome, time since the last pass, duration, download) and per restored subvolume', () => {
  const g = gauges(inputs(), NOW);
  assert.equal(value(g, 'pantheros.drill.passed', { level: 'integrity' }), 1);
  assert.equal(value(g, 'pantheros.drill.passed', { level: 'restore' }), 0, 'the last restore drill failed');
  assert.equal(value(g, 'pantheros.drill.passed', { level: 'disaster' }), undefined, 'never ran: no series');
  assert.equal(value(g, 'pantheros.drill.since_pass', { level: 'integrity' }), 86_400 - 600);
  assert.equal(value(g, 'pantheros.drill.since_pass', { level: 'restore' }), (30 * 86_400) - 1800, 'the pass before the failure');
  assert.equal(value(g, 'pantheros.drill.since_pass', { level: 'disaster' }), undefined);
  assert.equal(value(g, 'pantheros.drill.duration', { level: 'restore' }), 3600);
  assert.equal(value(g, 'pantheros.drill.duration', { level: 'integrity' }), 600);
  assert.equal(value(g, 'pantheros.drill.downloaded', { level: 'restore' }), 7e9);
  assert.equal(value(g, 'pantheros.drill.restore_rate', { level: 'restore', subvol: '@db' }), 5e7, '3 GB in 60 s');
  assert.equal(value(g, 'pantheros.drill.rto_implied', { subvol: '@db' }), 45);
  assert.equal(value(g, 'pantheros.drill.rto_objective', { subvol: '@db' }), 30);
  assert.equal(value(g, 'pantheros.drill.rto_met', { subvol: '@db' }), 0);
  assert.equal(value(g, 'pantheros.drill.rto_implied', { subvol: '@home' }), 10);
  assert.equal(value(g, 'pantheros.drill.rto_objective', { subvol: '@home' }), undefined, 'no objective: no series');
  assert.equal(value(g, 'pantheros.drill.rto_met', { subvol: '@home' }), undefined);
  assert.equal(value(g, 'pantheros.drill.database_answered', { subvol: '@db', database: 'postgres' }), 4.5, 'the slower of two servers');
  assert.equal(value(g, 'pantheros.drill.database_answered', { subvol: '@db', database: 'redis' }), undefined, 'never answered: no series (the drill failed)');
  assert.ok(g.filter((x) => x.name.startsWith('pantheros.drill.')).every((x) => x.tags['host'] === 'h1'));
});

test('gauges: a drill whose process died is interrupted: not passed, its subvolume series gone; a live one changes nothing', () => {
  const running = { level: 'integrity' as const, pid: 4_000_000, startTicks: '123', since: '2026-12-03T11:00:00Z' };
  const started = beginDrill(drillState(), running);
  const dead = gauges(inputs({ drill: effectiveState(started, () => false, NOW) }), NOW);
  assert.equal(value(dead, 'pantheros.drill.passed', { level: 'integrity' }), 0, 'an interrupted drill is not a pass');
  assert.equal(value(dead, 'pantheros.drill.duration', { level: 'integrity' }), 3600, 'from its start to when the collector saw it gone');
  assert.equal(value(dead, 'pantheros.drill.since_pass', { level: 'integrity' }), 86_400 - 600, 'the last real pass still counts');
  const alive = gauges(inputs({ drill: effectiveState(started, () => true, NOW) }), NOW);
  assert.equal(value(alive, 'pantheros.drill.passed', { level: 'integrity' }), 1, 'still running: the last result stands');
  // An interrupted restore drill: its per-subvolume series go with the result it replaced.
  const deadRestore = gauges(inputs({ drill: effectiveState(beginDrill(drillState(), { ...running, level: 'restore' }), () => false, NOW) }), NOW);
  assert.equal(value(deadRestore, 'pantheros.drill.passed', { level: 'restore' }), 0);
  assert.equal(value(deadRestore, 'pantheros.drill.rto_implied', { level: 'restore' }), undefined);
});

test('gauges: what was not read is absent, never a made-up 0', () => {
  const g = gauges(inputs({
    costUsd: null, backup: null, snapshotSizes: null, drill: null,
    pools: [{ device: '/dev/sda', usage: null, balanceRunning: null, deviceErrors: null, scrub: null }],
    subvolumes: [{ subvolume: '@home', policy: { tiers, timezone: null }, snapshots: [] }],
  }), NOW);
  assert.deepEqual([...new Set(g.map((x) => x.name))], ['pantheros.snapshot.count']);
});

test('gauges: a balance in progress is 1; a never-finished scrub has errors but no age; no cap, no nights', () => {
  const base = inputs();
  const g = gauges({
    ...base,
    pools: [{ ...base.pools[0]!, balanceRunning: true, scrub: { finishedAt: null, errors: 0 } }],
    backup: { lastComplete: [{ subvolume: '@home', at: null }], backlogBytes: 0, nightsNeeded: null },
  }, NOW);
  assert.equal(value(g, 'pantheros.btrfs.balance'), 1);
  assert.equal(value(g, 'pantheros.btrfs.scrub.age'), undefined);
  assert.equal(value(g, 'pantheros.btrfs.scrub.errors'), 0);
  assert.equal(value(g, 'pantheros.backup.age'), undefined);
  assert.equal(value(g, 'pantheros.backup.nights_needed'), undefined);
});

test('snapshotCounts: backup-engine snapshots are not counted; wrap snapshots are manual', () => {
  const c = snapshotCounts([{ subvolume: '@x', policy: null, snapshots: [snap('1', NOW, 'backup'), snap('2', NOW, 'wrap-pre'), snap('3', NOW, 'wrap-post'), snap('4', NOW, 'timeline')] }], NOW);
  assert.deepEqual(c, { frequent: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0, manual: 2 });
});

test('scrubFinishedAt: start (local time, as btrfs prints it) plus duration, only for a finished scrub', () => {
  const started = Date.parse('Tue Nov 24 06:32:03 2026');
  assert.equal(scrubFinishedAt('Tue Nov 24 06:32:03 2026', 60, 'finished'), new Date(started + 60_000).toISOString());
  assert.equal(scrubFinishedAt('Tue Nov 24 06:32:03 2026', 60, 'running'), null);
  assert.equal(scrubFinishedAt('not a date', 60, 'finished'), null);
  assert.equal(scrubFinishedAt(null, null, null), null);
});

// ---- properties ----------------------------------------------------------------------------------
const NOW_MS = Date.parse(NOW);
const arbTime = fc.integer({ min: NOW_MS - 400 * 86_400_000, max: NOW_MS }).map((ms) => new Date(ms).toISOString());
const arbSub = fc.tuple(fc.constantFrom('@a', '@b', '@c'), fc.array(fc.tuple(arbTime, fc.constantFrom('timeline', 'manual', 'backup', 'wrap-pre') as fc.Arbitrary<SnapshotEntry['origin']>), { maxLength: 40 }))
  .map(([name, xs]) => ({ subvolume: name, policy: { tiers, timezone: 'Europe/Berlin' }, snapshots: xs.map(([t, o], i) => snap(`${name}.${i}`, t, o)) }));

test('property: ages are never negative, the stalest subvolume decides, counts are bounded by the snapshots', () => {
  fc.assert(fc.property(fc.array(arbSub, { maxLength: 4 }), (subs) => {
    const g = gauges(inputs({ subvolumes: subs }), NOW);
    const age = value(g, 'pantheros.snapshot.age');
    const withSnaps = subs.filter((s) => s.snapshots.length > 0);
    if (withSnaps.length === 0) assert.equal(age, undefined);
    else {
      const expected = Math.max(...withSnaps.map((s) => (NOW_MS - Math.max(...s.snapshots.map((x) => Date.parse(x.time)))) / 3_600_000));
      assert.ok(Math.abs(age! - expected) < 1e-9);
      assert.ok(age! >= 0);
    }
    const total = subs.reduce((n, s) => n + s.snapshots.length, 0);
    for (const x of g.filter((y) => y.name === 'pantheros.snapshot.count')) {
      assert.ok(Number.isInteger(x.value) && x.value >= 0 && x.value <= total);
    }
    // No tier may count more snapshots than the retention keeps per subvolume.
    const daily = value(g, 'pantheros.snapshot.count', { type: 'daily' })!;
    assert.ok(daily <= subs.length * tiers.daily);
    assert.ok(g.every((x) => Number.isFinite(x.value)));
  }), { numRuns: 200 });
});

test('property: disk usage is the used share in percent, between 0 and 100 when used ≤ size', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 50 }), fc.double({ min: 0, max: 1, noNaN: true }), (size, share) => {
    const used = Math.floor(size * share);
    const g = gauges(inputs({ pools: [{ device: 'd', usage: { sizeBytes: size, usedBytes: used }, balanceRunning: null, deviceErrors: null, scrub: null }] }), NOW);
    const v = value(g, 'pantheros.disk.usage')!;
    assert.ok(v >= 0 && v <= 100);
    assert.ok(Math.abs(v - (100 * used) / size) < 1e-9);
  }), { numRuns: 200, examples: [[433038893004439, 1]] });
});
