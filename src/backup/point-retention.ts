// Which backup points to keep: the snapshot retention rules applied to the points' snapshot times,
// then every ancestor a kept point needs to restore. Pure.
// Also the one rule for *which* retention applies to points (pointTiers, hostPointTiers): `backup
// prune` decides with it and `cost` (the thin policy, the forecast) models with it.
import type { SnapshotTiers, StoragePlan } from '../plan/types.ts';
import { applyRetention } from '../snapshot/retention/index.ts';
import { chainOf, type PointView } from './chain.ts';

export interface PointDecision {
  id: string;
  snapshot: string;
  keep: boolean;
  reasons: string[];
}

/** Used when a plan snapshots nothing: the specification's daily/weekly/monthly. */
export const DEFAULT_POINT_TIERS: SnapshotTiers = { frequentMinutes: null, frequent: 0, hourly: 0, daily: 7, weekly: 4, monthly: 12, yearly: 0 };

/** Snapshot tiers as point tiers: backups are at most daily, so the frequent and hourly tiers do not apply. */
const asPointTiers = (t: SnapshotTiers): SnapshotTiers => ({ ...t, frequentMinutes: null, frequent: 0, hourly: 0 });

const most = (values: number[]): number => Math.max(0, ...values);

/**
 * The host's point retention: the most generous tier counts over the subvolumes that are snapshotted
 * and backed up; null when none is. (A generated plan gives every subvolume the profile's counts.)
 */
export function hostPointTiers(plan: StoragePlan): SnapshotTiers | null {
  const tiers = plan.pools.flatMap((p) => p.subvolumes).filter((s) => s.backup !== 'never' && s.snapshots !== null).map((s) => s.snapshots!);
  if (tiers.length === 0) return null;
  return asPointTiers({
    ...DEFAULT_POINT_TIERS,
    daily: most(tiers.map((t) => t.daily)), weekly: most(tiers.map((t) => t.weekly)),
    monthly: most(tiers.map((t) => t.monthly)), yearly: most(tiers.map((t) => t.yearly)),
  });
}

/**
 * A subvolume's point retention: its own snapshot tiers; for points of a subvolume the plan no longer
 * snapshots (or names), the host's (never another subvolume's picked by position, which could be one
 * that is not even backed up).
 */
export function pointTiers(plan: StoragePlan, subvolume: string): SnapshotTiers {
  const own = plan.pools.flatMap((p) => p.subvolumes).find((s) => s.name === subvolume)?.snapshots ?? null;
  return asPointTiers(own ?? hostPointTiers(plan) ?? DEFAULT_POINT_TIERS);
}

export function decidePoints(points: readonly PointView[], tiers: SnapshotTiers, timezone: string | null, now: string): PointDecision[] {
  const byId = new Map(points.map((p) => [p.id, p]));
  const decisions = new Map<string, PointDecision>();
  const bySubvolume = new Map<string, PointView[]>();
  for (const p of points) bySubvolume.set(p.subvolume, [...(bySubvolume.get(p.subvolume) ?? []), p]);
  for (const list of bySubvolume.values()) {
    const verdicts = applyRetention(list.map((p) => ({ id: p.id, time: p.time })), { tiers, timezone }, now);
    for (const [i, v] of verdicts.entries()) {
      const p = list[i]!;
      decisions.set(p.id, { id: p.id, snapshot: p.snapshotName, keep: v.keep, reasons: [...v.reasons] });
    }
  }
  // A kept point is only restorable with its whole chain: keep every ancestor, saying for whom.
  for (const d of [...decisions.values()].filter((x) => x.keep)) {
    for (const ancestor of chainOf(byId, d.id).slice(0, -1)) {
      const a = decisions.get(ancestor)!;
      if (!a.keep) { a.keep = true; a.reasons = [`parent in the chain of ${d.snapshot}`]; }
      else if (!a.reasons.some((r) => r.startsWith('parent in the chain'))) a.reasons.push(`parent in the chain of ${d.snapshot}`);
    }
  }
  return points.map((p) => decisions.get(p.id)!);
}
