import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyRetention } from '../snapshot/retention/index.ts';
import type { SnapshotTiers } from '../plan/types.ts';
import { chainLength, chainOf, selectSend, type PointView, type SnapshotView } from './chain.ts';
import { decidePoints } from './point-retention.ts';
import { snapshotToBackUp } from './due.ts';

const LAPTOP: SnapshotTiers = { frequentMinutes: null, frequent: 0, hourly: 0, daily: 7, weekly: 4, monthly: 12, yearly: 0 };
const SERVER: SnapshotTiers = { ...LAPTOP, daily: 30, weekly: 12 };
const snap = (day: number): SnapshotView => ({ name: `@home.${day}`, uuid: `uuid-${day}`, time: new Date(Date.UTC(2026, 0, 1 + day, 2)).toISOString() });

test('first backup is full, then incremental against the newest backed-up snapshot still on disk', () => {
  assert.equal(selectSend(snap(0), '@home', [snap(0)], []).kind, 'full');
  const p0: PointView = { id: 'p0', subvolume: '@home', snapshotUuid: 'uuid-0', snapshotName: '@home.0', time: snap(0).time, parent: null };
  const c = selectSend(snap(1), '@home', [snap(0), snap(1)], [p0]);
  assert.deepEqual(c.kind === 'incremental' && [c.parentPoint, c.chainLength], ['p0', 2]);
  assert.equal(selectSend(snap(1), '@home', [snap(1)], [p0]).kind, 'full', 'parent snapshot gone from disk');
  assert.equal(selectSend(snap(0), '@home', [snap(0)], [p0]).kind, 'skip');
  assert.equal(selectSend(snap(1), '@root', [snap(0), snap(1)], [p0]).kind, 'full', 'other subvolumes never serve as parents');
});

/**
 * A year of nightly backups with snapshot retention on disk (the newest backed-up snapshot held as
 * the next parent) and point retention + prune after every run.
 */
function simulateYear(tiers: SnapshotTiers, maxChain: number, days: number) {
  let onDisk: Array<SnapshotView & { held: boolean }> = [];
  let points: PointView[] = [];
  let fulls = 0;
  let maxPoints = 0;
  for (let day = 0; day < days; day++) {
    const now = snap(day).time;
    onDisk.push({ ...snap(day), held: false });
    const target = snapshotToBackUp('daily', onDisk, points, now, 'UTC');
    if (target !== null) {
      const choice = selectSend(target, '@home', onDisk, points, maxChain);
      assert.notEqual(choice.kind, 'skip');
      if (choice.kind === 'full') fulls++;
      points.push({ id: `p${day}`, subvolume: '@home', snapshotUuid: target.uuid, snapshotName: target.name, time: target.time, parent: choice.kind === 'incremental' ? choice.parentPoint : null });
      onDisk = onDisk.map((s) => ({ ...s, held: s.uuid === target.uuid }));
    }
    const decisions = decidePoints(points, tiers, 'UTC', now);
    points = points.filter((_, i) => decisions[i]!.keep);
    const kept = applyRetention(onDisk.map((s) => ({ id: s.uuid, time: s.time, holds: s.held ? ['backup:parent'] : [] })), { tiers, timezone: 'UTC' }, now);
    onDisk = onDisk.filter((_, i) => kept[i]!.keep);
    const byId = new Map(points.map((p) => [p.id, p]));
    for (const p of points) {
      assert.ok(chainOf(byId, p.id).length <= maxChain, `day ${day}: chain of ${p.id} too long`);
    }
    maxPoints = Math.max(maxPoints, points.length);
  }
  return { points, fulls, maxPoints };
}

test('a simulated year: every kept point restorable, chains bounded, full sends only every maxChain nights', () => {
  for (const [tiers, maxChain] of [[LAPTOP, 7], [LAPTOP, 14], [SERVER, 14]] as const) {
    const { points, fulls, maxPoints } = simulateYear(tiers, maxChain, 365);
    const byId = new Map(points.map((p) => [p.id, p]));
    for (const p of points) assert.doesNotThrow(() => chainOf(byId, p.id));
    assert.ok(fulls <= Math.ceil(365 / maxChain) + 1, `${fulls} full sends`);
    // Bounded: the retention counts plus at most one chain's worth of parents per kept point group.
    assert.ok(maxPoints <= tiers.daily + tiers.weekly + tiers.monthly + 1 + maxChain * (tiers.weekly + tiers.monthly), `${maxPoints} points`);
    assert.ok(points.length >= tiers.daily, 'at least the daily points remain');
  }
});

test('property: point decisions never drop an ancestor of a kept point', () => {
  fc.assert(fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 80 }), fc.integer({ min: 2, max: 10 }), (fullFlags, maxChain) => {
    const points: PointView[] = [];
    fullFlags.forEach((full, day) => {
      const prev = points.at(-1);
      const parent = full || prev === undefined || chainLength(new Map(points.map((p) => [p.id, p])), prev.id) >= maxChain ? null : prev.id;
      points.push({ id: `p${day}`, subvolume: '@home', snapshotUuid: `u${day}`, snapshotName: `s${day}`, time: snap(day).time, parent });
    });
    const decisions = decidePoints(points, LAPTOP, 'UTC', snap(fullFlags.length).time);
    const keep = new Set(decisions.filter((d) => d.keep).map((d) => d.id));
    for (const p of points) if (keep.has(p.id) && p.parent !== null) assert.ok(keep.has(p.parent), `${p.parent} needed by ${p.id}`);
    assert.ok(keep.has(points.at(-1)!.id), 'the newest point is kept');
  }));
});

test('never an incremental on a point whose chain is incomplete: its full is gone, so a new full starts', () => {
  // p0 (the full) was lost; p1 is an incremental on it, its snapshot still on disk.
  const p1: PointView = { id: 'p1', subvolume: '@home', snapshotUuid: 'uuid-1', snapshotName: '@home.1', time: snap(1).time, parent: 'p0' };
  const c = selectSend(snap(2), '@home', [snap(1), snap(2)], [p1]);
  assert.equal(c.kind, 'full', JSON.stringify(c));
  assert.match(c.reason, /chain of @home.1 is incomplete/);
});
