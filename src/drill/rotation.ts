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

/** The longest pass: ten years. A budget that needs more is refused by the drill instead. */
export const MAX_PERIOD_WEEKS = 520;

/**
 * Weeks for one full pass when a week's slice must fit the download budget: at least `minWeeks`,
 * more when the repository is so large that 1/minWeeks of it costs more than a drill may spend.
 * Slices are cut by hash, so one is about 1/N of the bytes: 25 % of margin keeps it in the budget.
 */
export function periodWithinBudget(totalBytes: number, limitBytes: number | null, minWeeks = DEFAULT_PERIOD_WEEKS): number {
  const min = Math.max(1, Math.floor(minWeeks));
  if (limitBytes === null) return min;
  return Math.min(MAX_PERIOD_WEEKS, Math.max(min, Math.ceil((totalBytes * 1.25) / Math.max(1, limitBytes))));
}
