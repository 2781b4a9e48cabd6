// Which backup points to keep: the snapshot retention rules applied to the points' snapshot times,
// then every ancestor a kept point needs to restore. Pure.
import type { SnapshotTiers } from '../plan/types.ts';
import { applyRetention } from '../snapshot/retention/index.ts';
import { chainOf, type PointView } from './chain.ts';

export interface PointDecision {
  id: string;
  snapshot: string;
  keep: boolean;
  reasons: string[];
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
