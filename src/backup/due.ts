// Which snapshot of a subvolume to back up now: the newest one, when the subvolume's backup
// frequency says a new point is due (no point yet in the current local day / ISO week / month). Pure.
import type { BackupFrequency } from '../plan/types.ts';
import { periodKey } from '../snapshot/retention/index.ts';
import type { PointView, SnapshotView } from './chain.ts';

const TIER = { daily: 'daily', weekly: 'weekly', monthly: 'monthly' } as const;

export function snapshotToBackUp(frequency: BackupFrequency, snapshots: readonly SnapshotView[], points: readonly PointView[], now: string, timezone: string | null): SnapshotView | null {
  if (frequency === 'never') return null;
  const newest = [...snapshots].filter((s) => Date.parse(s.time) <= Date.parse(now)).sort((a, b) => Date.parse(b.time) - Date.parse(a.time))[0];
  if (newest === undefined) return null;
  if (points.some((p) => p.snapshotUuid === newest.uuid)) return null;
  const tier = TIER[frequency];
  const current = periodKey(tier, now, timezone, 60);
  const covered = points.some((p) => periodKey(tier, p.time, timezone, 60) === current);
  return covered ? null : newest;
}
