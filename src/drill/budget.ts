// How much a drill may download, and which subvolumes fit. B2 bills downloads beyond a free daily
// allowance (src/cost/prices.ts), so a drill that restores a whole host from B2 could cost more than
// the month's storage; each drill therefore has a budget in USD, and the subvolumes that do not fit
// are deferred to the next drill, least recently restored first, so over several drills every one
// is restored. Pure.
import { GB, type PriceTable } from '../cost/prices.ts';
import type { DrillLevel } from './types.ts';

/**
 * Share of the plan's monthly budget one drill may spend on downloads: weekly reads a slice, monthly
 * restores the host, quarterly restores it from offsite. At $5/month: $0.10, $0.50 and $1.25, which
 * at B2's $0.01/GB beyond 1 GB/day is 11 GB, 51 GB and 126 GB.
 */
export const BUDGET_SHARE: Record<DrillLevel, number> = { integrity: 0.02, restore: 0.1, disaster: 0.25 };

/** Without a plan (a disaster drill on a new machine) the budget a $5/month plan would give. */
export const FALLBACK_MONTHLY_USD = 5;

export function defaultBudgetUsd(level: DrillLevel, monthlyBudgetUsd: number | null): number {
  return Math.round((monthlyBudgetUsd ?? FALLBACK_MONTHLY_USD) * BUDGET_SHARE[level] * 100) / 100;
}

/** Bytes a drill may download for `usd`: today's free allowance (this host's share) and then what `usd` buys. */
export function budgetBytes(usd: number, prices: PriceTable): number {
  const free = prices.egress.freeGBPerDay * GB * prices.allowanceShare;
  const paid = prices.egress.usdPerGB > 0 ? (usd / prices.egress.usdPerGB) * GB : Number.POSITIVE_INFINITY;
  return Math.floor(free + paid);
}

/** What `bytes` of downloads in one UTC day cost. */
export function downloadUsd(bytes: number, prices: PriceTable): number {
  const free = prices.egress.freeGBPerDay * GB * prices.allowanceShare;
  return (Math.max(0, bytes - free) / GB) * prices.egress.usdPerGB;
}

export interface Candidate {
  subvolume: string;
  /** Bytes its restore downloads. */
  bytes: number;
  /** When a drill last restored it; undefined = never. */
  lastRestoredAt?: string;
}

export interface Selection {
  take: Candidate[];
  defer: Array<{ subvolume: string; reason: string }>;
}

/**
 * Candidates in rotation order (never restored first, then the longest ago; ties by name), taken
 * while they fit in `limitBytes` (null = no limit). One that does not fit is deferred, and a smaller
 * one after it may still be taken.
 */
export function selectWithinBudget(candidates: readonly Candidate[], limitBytes: number | null): Selection {
  const order = [...candidates].sort((a, b) => {
    const ta = a.lastRestoredAt === undefined ? -Infinity : Date.parse(a.lastRestoredAt);
    const tb = b.lastRestoredAt === undefined ? -Infinity : Date.parse(b.lastRestoredAt);
    return ta - tb || a.subvolume.localeCompare(b.subvolume);
  });
  const take: Candidate[] = [];
  const defer: Selection['defer'] = [];
  let used = 0;
  for (const c of order) {
    if (limitBytes === null || used + c.bytes <= limitBytes) {
      take.push(c);
      used += c.bytes;
    } else {
      defer.push({ subvolume: c.subvolume, reason: `its restore downloads ${c.bytes} bytes and ${Math.max(0, limitBytes - used)} of the drill's download budget are left; the next drill takes it first` });
    }
  }
  return { take, defer };
}
