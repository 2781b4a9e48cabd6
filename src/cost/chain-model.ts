// The storage model: how many bytes a host's backups occupy in the store, day by day, under a chain
// rule and a retention policy. Pure; the same model serves `panther cost simulate` and the thinning
// policy of `panther cost`.
//
// Data: a host holds F(d) bytes on day d, counted in stored units (after zstd, and after dedup where
// the approach has it). Every day a fraction r of the data is rewritten with new content, the rewrites
// falling uniformly on a hot set of h·F bytes (h = 1: anywhere). Two states g days apart then differ in
//     changed(g) = h · (1 − (1 − r/h)^g)      of the data (≈ r·g for short gaps, at most h).
//
// Points: one a day after the seed. A point is either a full stream or an incremental one against the
// previous point; retention (keep-points.ts) keeps some, plus every ancestor a kept point needs.
//  - incremental at day d with parent p: changed(d − p)·F(p) + growth F(d) − F(p); its data is new.
//  - full, raw files (btrbk raw target): stored whole, F(d) bytes each; nothing is shared.
//  - full, deduplicated (ours): chunks equal to stored chunks are not stored again. An incremental's
//    chunks are cut from a different byte stream than a full's, so they are never shared with fulls;
//    between fulls only the unchanged data is. The kept fulls f1 < … < fn therefore occupy
//        F(fn) + Σ_{i<n} changed(f(i+1) − f(i)) · F(f(i))
//    and a new full uploads changed(gap to the previous full)·F + growth.
// Stored = Σ kept incrementals + the kept fulls as above. Chunk-boundary overhead is folded into r
// (the daily change is "bytes of new chunks", not bytes written).
import { keepPoints, type ModelPoint, type TierCounts } from './keep-points.ts';

export interface ChangeModel {
  /** Fraction of the data rewritten per day. */
  dailyChange: number;
  /** Fraction of the data the rewrites fall on; 1 = uniformly anywhere. */
  hotFraction: number;
}

export type ChainRule =
  /** Ours: incremental until a chain holds maxChain streams, then a full (docs/DECISIONS.md). */
  | { kind: 'bounded'; maxChain: number }
  /** btrbk raw target with monthly fulls: a full at the first point of each UTC month. */
  | { kind: 'monthly-full' };

export function changedFraction(gapDays: number, m: ChangeModel): number {
  if (gapDays <= 0 || m.dailyChange <= 0) return 0;
  const h = Math.min(1, Math.max(m.hotFraction, m.dailyChange));
  return h * (1 - (1 - m.dailyChange / h) ** gapDays);
}

export interface SeriesInput {
  /** UTC day number (days since 1970-01-01) of day 0. */
  firstDay: number;
  /** F(d): bytes of one full copy on day d (index 0 = firstDay), in stored units. */
  fullBytes: readonly number[];
  /** Upload capacity of the night of day d, bytes. */
  nightlyCapacity: readonly number[];
  change: ChangeModel;
  tiers: TierCounts;
  rule: ChainRule;
  /** true: fulls are deduplicated against the store (ours); false: each full is a separate file. */
  dedupFulls: boolean;
}

export interface SeriesDay {
  /** Stored at the end of the day: after the night's upload and the prune that follows it. */
  storedBytes: number;
  uploadBytes: number;
  keptPoints: number;
}

export interface SeriesResult {
  /** Nights the first full took (null = not finished within the days played). */
  seedNights: number | null;
  days: SeriesDay[];
}

interface SizedPoint extends ModelPoint {
  bytes: number;
  chain: number;
}

/**
 * Plays the days: the seed full goes up over as many nights as it needs (from day 0's snapshot);
 * from the next day on, one point a night, then retention.
 */
export function playSeries(input: SeriesInput): SeriesResult {
  const n = input.fullBytes.length;
  const F = (i: number): number => input.fullBytes[Math.min(n - 1, Math.max(0, i))]!;
  const days: SeriesDay[] = [];
  let seedLeft = F(0);
  let seedNights: number | null = null;
  let kept: SizedPoint[] = [];
  for (let i = 0; i < n; i++) {
    if (seedNights === null) {
      const up = Math.min(input.nightlyCapacity[i] ?? 0, seedLeft);
      seedLeft -= up;
      if (seedLeft <= 0) {
        seedNights = i + 1;
        kept = [{ day: input.firstDay, full: true, parent: null, bytes: F(0), chain: 1 }];
      }
      days.push({ storedBytes: F(0) - seedLeft, uploadBytes: up, keptPoints: kept.length });
      continue;
    }
    const parent = kept[kept.length - 1]!;
    const day = input.firstDay + i;
    const p = parent.day - input.firstDay;
    const full = input.rule.kind === 'bounded' ? parent.chain + 1 > input.rule.maxChain : monthOf(day) !== monthOf(parent.day);
    let point: SizedPoint;
    let upload: number;
    if (full) {
      point = { day, full: true, parent: null, bytes: F(i), chain: 1 };
      const lastFull = [...kept].reverse().find((k) => k.full)!;
      const lf = lastFull.day - input.firstDay;
      upload = input.dedupFulls ? changedFraction(i - lf, input.change) * F(lf) + Math.max(0, F(i) - F(lf)) : F(i);
    } else {
      const bytes = changedFraction(i - p, input.change) * F(p) + Math.max(0, F(i) - F(p));
      point = { day, full: false, parent: parent.day, bytes, chain: parent.chain + 1 };
      upload = bytes;
    }
    kept = keepPoints([...kept, point], input.tiers) as SizedPoint[];
    days.push({ storedBytes: storedOf(kept, input), uploadBytes: upload, keptPoints: kept.length });
  }
  return { seedNights, days };
}

/** Bytes the kept points occupy (see the model above). */
export function storedOf(kept: readonly (ModelPoint & { bytes: number })[], input: Pick<SeriesInput, 'firstDay' | 'fullBytes' | 'change' | 'dedupFulls'>): number {
  let bytes = 0;
  const fulls: Array<ModelPoint & { bytes: number }> = [];
  for (const k of kept) {
    if (k.full) fulls.push(k);
    else bytes += k.bytes;
  }
  if (!input.dedupFulls) return bytes + fulls.reduce((s, f) => s + f.bytes, 0);
  fulls.sort((a, b) => a.day - b.day);
  for (let j = 0; j < fulls.length; j++) {
    const f = fulls[j]!;
    const next = fulls[j + 1];
    bytes += next === undefined ? f.bytes : changedFraction(next.day - f.day, input.change) * f.bytes;
  }
  return bytes;
}

function monthOf(day: number): number {
  const d = new Date(day * 86_400_000);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}
