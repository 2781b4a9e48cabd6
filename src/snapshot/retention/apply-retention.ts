// Tier retention over the minimal view (id, time, pinned, holds): pure, `now` is a parameter, and
// every decision carries its reasons (restic ApplyPolicy does the same). Semantics: docs/RETENTION.md.
import type { Tier } from '../../plan/types.ts';
import { TIERS } from '../../plan/types.ts';
import type { RetentionDecision, RetentionItem, RetentionPolicy } from '../types.ts';
import { openZone, type Zone } from '../../core/local-time.ts';
import { periodOf, type Period } from './period.ts';
import { checkRetentionInput } from './validate.ts';

export type Protection = 'newest' | 'pinned' | 'held' | 'future';

/** A decision with its reasons in structured form, for the simulator and explainers. */
export interface RetentionVerdict extends RetentionDecision {
  /** Periods this snapshot represents within its tier's count (it is their last snapshot). */
  periods: Period[];
  protections: Protection[];
}

export const FUTURE_REASON = 'in the future (clock skew?)';

const UNITS: Record<Tier, string> = {
  frequent: 'slots', hourly: 'hours', daily: 'days', weekly: 'ISO weeks', monthly: 'months', yearly: 'years',
};

/** One decision per item, in input order. Throws PantherError("retention-invalid") on bad input. */
export function applyRetention(items: RetentionItem[], policy: RetentionPolicy, now: string): RetentionDecision[] {
  return decideRetention(items, policy, now).map(({ id, keep, reasons }) => ({ id, keep, reasons }));
}

/** applyRetention with structured reasons. */
export function decideRetention(items: RetentionItem[], policy: RetentionPolicy, now: string): RetentionVerdict[] {
  const { times, now: nowMs } = checkRetentionInput(items, policy, now);
  return decideChecked(items, times, policy, nowMs, openZone(policy.timezone));
}

/**
 * The decision itself, for callers that built valid input (the simulator calls it after every
 * snapshot, and re-parsing and re-checking each time would dominate its run time).
 */
export function decideChecked(items: RetentionItem[], times: number[], policy: RetentionPolicy, nowMs: number, z: Zone): RetentionVerdict[] {
  // One total order for "newest" and "last of a period": time, then id for snapshots taken in the same ms.
  const newer = (a: number, b: number): boolean =>
    times[a] !== times[b] ? times[a]! > times[b]! : items[a]!.id > items[b]!.id;
  // A snapshot from the future would be "the last of today" and push real ones out: it is kept, but
  // takes no part in the tiers.
  const past = items.map((_, i) => i).filter((i) => times[i]! <= nowMs);
  const newest = past.reduce((best, i) => (best < 0 || newer(i, best) ? i : best), -1);

  const kept: Period[][] = items.map(() => []);
  const dropped: string[][] = items.map(() => []);
  for (const tier of TIERS) {
    const count = policy.tiers[tier];
    if (count === 0) continue;
    const byKey = new Map<string, { rep: number; position: number }>();
    const keyOfItem = new Map<number, string>();
    for (const i of past) {
      const key = periodOf(tier, times[i]!, z, policy.tiers.frequentMinutes).key;
      keyOfItem.set(i, key);
      const entry = byKey.get(key);
      if (entry === undefined) byKey.set(key, { rep: i, position: 0 });
      else if (newer(i, entry.rep)) entry.rep = i;
    }
    // "The N most recent periods that have a snapshot": ordered by their last snapshots, which is
    // calendar order because a period is a contiguous stretch of time.
    [...byKey.values()].sort((a, b) => (newer(a.rep, b.rep) ? -1 : 1)).forEach((entry, position) => { entry.position = position; });
    for (const i of past) {
      const key = keyOfItem.get(i)!;
      const entry = byKey.get(key)!;
      if (entry.rep !== i) dropped[i]!.push(`superseded: ${tier} ${key} is represented by ${items[entry.rep]!.id}`);
      else if (entry.position < count) kept[i]!.push({ tier, key });
      else dropped[i]!.push(`expired: ${tier} ${key} is beyond the ${count} most recent ${UNITS[tier]}`);
    }
  }

  return items.map((item, i) => {
    const protections: Protection[] = [];
    const reasons: string[] = [];
    if (i === newest) { protections.push('newest'); reasons.push('newest'); }
    if (item.pinned === true) { protections.push('pinned'); reasons.push('pinned'); }
    if (item.holds !== undefined && item.holds.length > 0) {
      protections.push('held');
      for (const hold of item.holds) reasons.push(`held by ${hold}`);
    }
    if (times[i]! > nowMs) { protections.push('future'); reasons.push(FUTURE_REASON); }
    const periods = kept[i]!;
    for (const p of periods) reasons.push(`${p.tier} ${p.key}`);
    const keep = reasons.length > 0;
    if (!keep) reasons.push(...(dropped[i]!.length > 0 ? dropped[i]! : ['expired: no tier keeps snapshots (all counts are 0)']));
    return { id: item.id, keep, reasons, periods, protections };
  });
}
