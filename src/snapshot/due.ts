// Which tiers want a new snapshot now: a tier is due when its current period (the same periods
// retention buckets by) holds no timeline snapshot yet. Pure.
import type { SnapshotTiers, Tier } from '../plan/types.ts';
import { periodKey } from './retention/index.ts';

export function activeTiers(tiers: SnapshotTiers): Tier[] {
  const active: Tier[] = [];
  if (tiers.frequent > 0 && tiers.frequentMinutes !== null) active.push('frequent');
  for (const t of ['hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const) if (tiers[t] > 0) active.push(t);
  return active;
}

export function dueTiers(existing: readonly string[], tiers: SnapshotTiers, now: string, timezone: string | null): Tier[] {
  const minutes = tiers.frequentMinutes ?? 60;
  return activeTiers(tiers).filter((tier) => {
    const current = periodKey(tier, now, timezone, minutes);
    const nowMs = Date.parse(now);
    return !existing.some((time) => Date.parse(time) <= nowMs && periodKey(tier, time, timezone, minutes) === current);
  });
}
