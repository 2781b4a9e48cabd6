// The pure part of prune: given the index and which index slots the kept backup points use, decide
// per pack whether to keep, repack or delete it. Reasons travel with the decision (house-style §3).
import type { RepoIndex } from '../index/repo-index.ts';

export type PackAction = 'keep' | 'repack' | 'delete';

export interface PackDecision {
  pack: number;
  action: PackAction;
  usedBytes: number;
  totalBytes: number;
  reason: string;
}

export interface PrunePolicy {
  /** Repack a pack once at least this fraction of its blob bytes is unused. Default 0.25. */
  repackThreshold: number;
  /**
   * Packs holding less than this fraction of the pack size are combined when there are two or more
   * (every run leaves one partly filled last pack; B2 bills per object listed and fetched).
   */
  smallPackFraction: number;
}

export const DEFAULT_PRUNE_POLICY: PrunePolicy = { repackThreshold: 0.25, smallPackFraction: 0.25 };

export function planPacks(index: RepoIndex, used: Uint8Array, policy: PrunePolicy, packSize: number): PackDecision[] {
  const usedBytes = new Array<number>(index.packIds.length).fill(0);
  index.table.forEach((slot, at) => {
    if (used[slot] === 1) usedBytes[at.pack] = usedBytes[at.pack]! + at.length;
  });
  const decisions = index.packIds.map((_id, pack): PackDecision => {
    const total = index.packEntryBytes[pack]!;
    const inUse = usedBytes[pack]!;
    const unused = total === 0 ? 1 : (total - inUse) / total;
    if (inUse === 0) return { pack, action: 'delete', usedBytes: 0, totalBytes: total, reason: 'no kept backup point uses it' };
    if (unused >= policy.repackThreshold) {
      return { pack, action: 'repack', usedBytes: inUse, totalBytes: total, reason: `${Math.round(unused * 100)} % unused ≥ ${Math.round(policy.repackThreshold * 100)} %` };
    }
    return { pack, action: 'keep', usedBytes: inUse, totalBytes: total, reason: `${Math.round(unused * 100)} % unused` };
  });
  const small = decisions.filter((d) => d.action === 'keep' && d.totalBytes < policy.smallPackFraction * packSize);
  if (small.length >= 2) {
    for (const d of small) {
      d.action = 'repack';
      d.reason = `small pack (${Math.round(d.totalBytes / 1024)} KiB < ${Math.round(policy.smallPackFraction * 100)} % of the pack size), combined with ${small.length - 1} other(s)`;
    }
  }
  return decisions;
}
