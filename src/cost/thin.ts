// The `thin` budget policy: when the forecast exceeds the budget, propose a thinner retention and
// what it saves. Pure, and only a proposal: applying it is the user's step (a profile override).
//
// Order: take from the longest-lived tier first (yearly, then monthly, then weekly, then daily), one
// point at a time, and stop at the first policy whose projected bill is under the target. Floors
// (named below) keep the newest backups: daily never goes under 7, the laptops' daily count in the
// specification, and the newest point is always kept by retention itself.
//
// Savings come from the storage model (chain-model.ts) calibrated on the host's own ledger: the
// daily new bytes (median upload of a backup day) and the stored total now give the size of one full
// copy; the model then plays both policies to the forecast's horizon and the difference in stored
// bytes, priced per GB-month, is the saving.
import { playSeries } from './chain-model.ts';
import type { TierCounts } from './keep-points.ts';
import { GB, usdPerGBMonth, type PriceTable } from './prices.ts';

export const THIN_ORDER = ['yearly', 'monthly', 'weekly', 'daily'] as const satisfies readonly (keyof TierCounts)[];
export const THIN_FLOORS: TierCounts = { yearly: 0, monthly: 0, weekly: 0, daily: 7 };
/** Thin until the bill is under the 90 % warning; the 80 % alert may still say the budget is close. */
export const THIN_TARGET_FRACTION = 0.9;

export interface ThinInput {
  host: string;
  /** The host's profile id, for the override; null when unknown. */
  profile: string | null;
  tiers: TierCounts;
  storedBytes: number;
  /** Bytes a backup day adds (median upload of the recent days with backups). */
  dailyNewBytes: number;
  /** Days since the first recorded run. */
  ageDays: number;
  /** Days from now to the end of the month the forecast exceeds the budget in. */
  horizonDays: number;
  forecastUsd: number;
  budgetUsd: number;
  prices: PriceTable;
  hotFraction: number;
  maxChain: number;
}

export interface ThinProposal {
  reachesTarget: boolean;
  targetUsd: number;
  from: TierCounts;
  to: TierCounts;
  steps: string[];
  /** Every policy tried, in order, with its projection: what each point taken away saves. */
  trail: Array<{ tiers: TierCounts; storedBytes: number; projectedUsd: number }>;
  projectedStoredBytes: { current: number; proposed: number };
  savingUsdPerMonth: number;
  projectedUsd: number;
  model: { fullCopyBytes: number; dailyChange: number; hotFraction: number; maxChain: number };
  override: ThinOverride;
}

export interface ThinOverride {
  /** A `--profiles FILE` that works today: a profile extending the host's with the thinner retention. */
  profilesFile: { profiles: Array<{ id: string; extends: string; description: string; retention: TierCounts }> } | null;
  /** The inventory entry that selects it. */
  inventory: { hosts: Record<string, { profile: string }> } | null;
  note: string;
}

export function thinRetention(input: ThinInput): ThinProposal {
  const targetUsd = input.budgetUsd * THIN_TARGET_FRACTION;
  const model = calibrate(input);
  const days = Math.max(1, Math.round(input.ageDays + input.horizonDays));
  const storedWith = (tiers: TierCounts): number => modelStored(model.fullCopyBytes, model.dailyChange, input, tiers, days);
  const current = storedWith(input.tiers);
  const price = usdPerGBMonth(input.prices);
  let to = { ...input.tiers };
  let proposed = current;
  const steps: string[] = [];
  const projected = (stored: number): number => input.forecastUsd - ((current - stored) / GB) * price;
  const trail = [{ tiers: to, storedBytes: current, projectedUsd: projected(current) }];
  for (const tier of THIN_ORDER) {
    while (projected(proposed) > targetUsd && to[tier] > THIN_FLOORS[tier]) {
      to = { ...to, [tier]: to[tier] - 1 };
      proposed = storedWith(to);
      trail.push({ tiers: to, storedBytes: proposed, projectedUsd: projected(proposed) });
    }
    if (to[tier] !== input.tiers[tier]) steps.push(`${tier} ${input.tiers[tier]} → ${to[tier]}`);
    if (projected(proposed) <= targetUsd) break;
  }
  const savingUsdPerMonth = ((current - proposed) / GB) * price;
  return {
    reachesTarget: projected(proposed) <= targetUsd,
    targetUsd, from: { ...input.tiers }, to, steps, trail,
    projectedStoredBytes: { current, proposed },
    savingUsdPerMonth, projectedUsd: input.forecastUsd - savingUsdPerMonth,
    model: { ...model, hotFraction: input.hotFraction, maxChain: input.maxChain },
    override: overrideFor(input.host, input.profile, to),
  };
}

/** Size of one full copy such that the model, played for the repository's age, stores what we see. */
function calibrate(input: ThinInput): { fullCopyBytes: number; dailyChange: number } {
  const age = Math.max(1, Math.round(input.ageDays));
  if (input.dailyNewBytes <= 0 || input.storedBytes <= 0) return { fullCopyBytes: input.storedBytes, dailyChange: 0 };
  const storedAt = (full: number): number => modelStored(full, Math.min(1, input.dailyNewBytes / full), input, input.tiers, age);
  // The model's stored total grows with the full copy while the daily new bytes stay fixed: bisect.
  let lo = Math.min(input.storedBytes, input.dailyNewBytes);
  let hi = input.storedBytes;
  if (storedAt(hi) <= input.storedBytes) lo = hi;
  for (let i = 0; i < 40 && hi - lo > 1e-6 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (storedAt(mid) > input.storedBytes) hi = mid;
    else lo = mid;
  }
  return { fullCopyBytes: lo, dailyChange: Math.min(1, input.dailyNewBytes / lo) };
}

function modelStored(full: number, dailyChange: number, input: ThinInput, tiers: TierCounts, days: number): number {
  const series = playSeries({
    firstDay: 0,
    fullBytes: Array.from({ length: days + 1 }, () => full),
    nightlyCapacity: [Number.POSITIVE_INFINITY],
    change: { dailyChange, hotFraction: input.hotFraction },
    tiers, rule: { kind: 'bounded', maxChain: input.maxChain }, dedupFulls: true,
  });
  return series.days[series.days.length - 1]!.storedBytes;
}

function overrideFor(host: string, profile: string | null, retention: TierCounts): ThinOverride {
  const note = 'Retention comes from the profile; the inventory has no retention override yet, so the thinner policy is a profile that extends yours. Add it with --profiles FILE and point the host at it, then re-plan.';
  if (profile === null) return { profilesFile: null, inventory: null, note: `${note} (Pass --plan to name the profile.)` };
  const id = `${profile}-thin`;
  return {
    profilesFile: { profiles: [{ id, extends: profile, description: `${profile} with retention thinned to fit the budget (panther cost --policy thin)`, retention }] },
    inventory: { hosts: { [host]: { profile: id } } },
    note,
  };
}
