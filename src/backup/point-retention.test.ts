import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specPlan } from '../../test/support/plans.ts';
import { keepPoints, type ModelPoint } from '../cost/keep-points.ts';
import type { StoragePlan } from '../plan/types.ts';
import type { PointView } from './chain.ts';
import { decidePoints, hostPointTiers, pointTiers } from './point-retention.ts';

const DAY = 86_400_000;

/** hetzner with its first snapshotted subvolume turned into one that is not backed up and keeps 1 daily. */
function planWithUnbackedFirst(): StoragePlan {
  const plan = structuredClone(specPlan('hetzner'));
  const subs = plan.pools.flatMap((p) => p.subvolumes).filter((s) => s.snapshots !== null);
  assert.ok(subs.length >= 2);
  subs[0]!.backup = 'never';
  subs[0]!.snapshots = { ...subs[0]!.snapshots!, daily: 1, weekly: 0, monthly: 0, yearly: 0 };
  return plan;
}

// Contradiction fixed (issue 11): `backup prune` gave the points of a subvolume the plan no longer
// names the tiers of the first snapshotted subvolume (here one that is not even backed up: 1 daily),
// while `cost` (thin policy, forecast) modelled the host with the most generous backed-up tiers.
test('point retention: prune and cost apply the same tiers to a subvolume the plan no longer has', () => {
  const plan = planWithUnbackedFirst();
  const host = hostPointTiers(plan)!;
  assert.deepEqual(pointTiers(plan, '@gone'), host);
  assert.ok(host.daily >= 7 && host.weekly >= 1, JSON.stringify(host));
  // 60 nightly incrementals in chains of 14: prune keeps what the cost model keeps.
  const days = Array.from({ length: 60 }, (_, i) => 20_000 + i);
  const model: ModelPoint[] = days.map((day, i) => ({ day, full: i % 14 === 0, parent: i % 14 === 0 ? null : day - 1 }));
  const views: PointView[] = model.map((p) => ({
    id: `p${p.day}`, subvolume: '@gone', snapshotUuid: `u${p.day}`, snapshotName: `@gone.${p.day}`,
    time: new Date(p.day * DAY + 2 * 3_600_000).toISOString(), parent: p.parent === null ? null : `p${p.parent}`,
  }));
  const now = new Date((days[days.length - 1]! + 1) * DAY).toISOString();
  const pruned = decidePoints(views, pointTiers(plan, '@gone'), null, now).filter((d) => d.keep).map((d) => Number(d.id.slice(1)));
  assert.deepEqual(pruned, keepPoints(model, host).map((p) => p.day));
});

test('point retention: a subvolume keeps its own tiers, never frequent or hourly ones', () => {
  const plan = planWithUnbackedFirst();
  const sub = plan.pools.flatMap((p) => p.subvolumes).find((s) => s.snapshots !== null && s.backup !== 'never')!;
  sub.snapshots = { ...sub.snapshots!, frequentMinutes: 15, frequent: 4, hourly: 24, daily: 3 };
  assert.deepEqual(pointTiers(plan, sub.name), { ...sub.snapshots, frequentMinutes: null, frequent: 0, hourly: 0 });
  for (const s of plan.pools.flatMap((p) => p.subvolumes)) s.backup = 'never';
  assert.equal(hostPointTiers(plan), null);
  assert.deepEqual(pointTiers(plan, '@gone'), { frequentMinutes: null, frequent: 0, hourly: 0, daily: 7, weekly: 4, monthly: 12, yearly: 0 });
});
