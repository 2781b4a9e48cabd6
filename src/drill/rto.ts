// The recovery time a drill implies: the plan's RTO objective is for the real data, so the time
// measured on the drill is scaled to the subvolume's size, and an offsite restore is bounded by the
// link (every stored byte comes over it). Pure.
import type { RtoRecord } from './types.ts';

/** The specification's link: 10 Mbit/s. */
export const LINK_BITS_PER_SECOND = 10_000_000;

export interface RtoInput {
  /** Bytes the drill restored (send stream) and how long it took. */
  restoredBytes: number;
  restoreMs: number;
  /** Bytes an offsite restore downloads. */
  storedBytes: number;
  /** Size of the data the objective is about; the restored bytes when unknown. */
  realBytes: number;
  objectiveMinutes: number | null;
  /** True when the drill already downloaded from offsite: then its own rate is the link's. */
  offsite: boolean;
  linkBitsPerSecond?: number;
}

const minutes = (ms: number): number => Math.round((ms / 60_000) * 100) / 100;

export function impliedRto(input: RtoInput): RtoRecord {
  const link = input.linkBitsPerSecond ?? LINK_BITS_PER_SECOND;
  // A restore too small to time still took its time: scale from at least 1 ms.
  const rate = input.restoredBytes / Math.max(1, input.restoreMs);
  const implied = input.realBytes === 0 ? 0 : input.realBytes / Math.max(rate, 1e-9);
  const atLink = (input.storedBytes * 8 * 1000) / link;
  // Against the objective: an offsite restore is the slower of the two (the drill's own rate when it
  // already came over the network, else at least the link); a local restore is what was measured.
  const worst = input.offsite ? Math.max(implied, atLink) : implied;
  const objective = input.objectiveMinutes;
  return {
    objectiveMinutes: objective,
    impliedMinutes: minutes(implied),
    impliedMinutesAtLink: minutes(atLink),
    linkBitsPerSecond: link,
    met: objective === null ? null : minutes(worst) <= objective,
  };
}
