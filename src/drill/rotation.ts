// The weekly integrity drill reads one slice of the repository's packs: slice k of N in the k-th
// week (counted from the Unix epoch, so the rotation needs no memory), each pack in exactly one
// slice by its id (repo/check packSlice). Packs that exist for N weeks are read once in every N
// weeks; a newer pack is read within N weeks of its upload. Pure.

/** Weeks for one full pass: a quarter, the same period as the disaster drill. */
export const DEFAULT_PERIOD_WEEKS = 13;
const WEEK_MS = 7 * 24 * 3_600_000;

export function integritySlice(nowMs: number, periodWeeks = DEFAULT_PERIOD_WEEKS): { index: number; of: number } {
  const of = Math.max(1, Math.floor(periodWeeks));
  return { index: Math.floor(nowMs / WEEK_MS) % of, of };
}
