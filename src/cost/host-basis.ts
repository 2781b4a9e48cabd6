// What a host's cost estimate is measured against: its budget and retention tiers, from its plan, or
// (without a plan for it) from the built-in profile of the spec's machine of that name.
import type { ProfileDef } from '../plan/profile-types.ts';
import type { StoragePlan } from '../plan/types.ts';
import type { TierCounts } from './keep-points.ts';

export interface CostBasis {
  host: string;
  budgetUsd: number | null;
  tiers: TierCounts | null;
  profile: string | null;
  /** Where budget and tiers came from when not from the plan, for the estimate's notes. */
  source: string | null;
}

/** `budgetUsd` (a --budget flag) overrides the plan's or profile's budget. Pure. */
export function costBasis(host: string, plan: StoragePlan | null, profiles: readonly ProfileDef[], budgetUsd: number | undefined): CostBasis {
  if (plan !== null && plan.host === host) {
    return { host, budgetUsd: budgetUsd ?? plan.backup.monthlyBudgetUsd, tiers: planTiers(plan), profile: plan.profile, source: null };
  }
  const profile = profiles.find((p) => p.specHost === host);
  if (profile === undefined) return { host, budgetUsd: budgetUsd ?? null, tiers: null, profile: null, source: null };
  const r = profile.retention;
  return {
    host, budgetUsd: budgetUsd ?? profile.backup.monthlyBudgetUsd, profile: profile.id,
    tiers: { daily: r.daily, weekly: r.weekly, monthly: r.monthly, yearly: r.yearly ?? 0 },
    source: `budget and retention from the built-in profile ${profile.id} (no plan for ${host})`,
  };
}

/** The backed-up subvolumes' retention (one profile-wide policy; the most generous if they differ). */
export function planTiers(plan: StoragePlan): TierCounts | null {
  const tiers = plan.pools.flatMap((p) => p.subvolumes).filter((s) => s.backup !== 'never' && s.snapshots !== null).map((s) => s.snapshots!);
  if (tiers.length === 0) return null;
  return {
    daily: Math.max(...tiers.map((t) => t.daily)), weekly: Math.max(...tiers.map((t) => t.weekly)),
    monthly: Math.max(...tiers.map((t) => t.monthly)), yearly: Math.max(...tiers.map((t) => t.yearly)),
  };
}
