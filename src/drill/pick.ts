// Which backup point a drill restores per subvolume: the newest one (by snapshot time) of each
// subvolume in the repository. With a plan, every subvolume the plan backs up must have one: a
// subvolume that should be in the repository and is not is the first thing a drill must say. Pure.
import type { PointView } from '../backup/chain.ts';
import type { StoragePlan } from '../plan/types.ts';

export interface Newest { subvolume: string; point: PointView }

export function newestPoints(points: readonly PointView[]): Newest[] {
  const newest = new Map<string, PointView>();
  for (const p of points) {
    const seen = newest.get(p.subvolume);
    if (seen === undefined || Date.parse(p.time) > Date.parse(seen.time) || (p.time === seen.time && p.id > seen.id)) newest.set(p.subvolume, p);
  }
  return [...newest].sort(([a], [b]) => a.localeCompare(b)).map(([subvolume, point]) => ({ subvolume, point }));
}

/** Subvolumes the plan backs up (backup other than "never") with no point in the repository. */
export function missingFromRepository(plan: StoragePlan, points: readonly PointView[]): string[] {
  const have = new Set(points.map((p) => p.subvolume));
  return plan.pools.flatMap((p) => p.subvolumes).filter((s) => s.backup !== 'never' && !have.has(s.name)).map((s) => s.name).sort();
}
