// Which of a host's daily backup points retention keeps, for the cost model: the same rules as
// backup/point-retention.ts (the last point of each of the N most recent days, ISO weeks, months and
// years that have one, the newest always, then every ancestor of a kept point), specialised to points
// on whole UTC days so a year can be replayed thousands of times per second. keep-points.test.ts
// checks it against backup's decidePoints on random histories.

export interface TierCounts {
  daily: number;
  weekly: number;
  monthly: number;
  yearly: number;
}

export interface ModelPoint {
  /** Whole UTC days since 1970-01-01 of the point's snapshot. */
  day: number;
  full: boolean;
  /** The parent point's day; null for a full. */
  parent: number | null;
}

const PERIODS: Array<[keyof TierCounts, (day: number) => number]> = [
  ['daily', (day) => day],
  // 1970-01-01 was a Thursday: shifting by 3 makes each key run Monday..Sunday (ISO weeks).
  ['weekly', (day) => Math.floor((day + 3) / 7)],
  ['monthly', (day) => { const d = new Date(day * 86_400_000); return d.getUTCFullYear() * 12 + d.getUTCMonth(); }],
  ['yearly', (day) => new Date(day * 86_400_000).getUTCFullYear()],
];

/** The kept points, oldest first. `points` must be sorted by day, one per day. */
export function keepPoints(points: readonly ModelPoint[], tiers: TierCounts): ModelPoint[] {
  if (points.length === 0) return [];
  const keep = new Set<number>([points[points.length - 1]!.day]);
  for (const [tier, keyOf] of PERIODS) {
    const count = tiers[tier];
    if (count <= 0) continue;
    // Walking newest → oldest, a period's first point met is its last one (its representative).
    let periods = 0;
    let lastKey: number | null = null;
    for (let i = points.length - 1; i >= 0 && periods <= count; i--) {
      const key = keyOf(points[i]!.day);
      if (key === lastKey) continue;
      lastKey = key;
      periods++;
      if (periods <= count) keep.add(points[i]!.day);
    }
  }
  const byDay = new Map(points.map((p) => [p.day, p]));
  for (const day of [...keep]) {
    for (let p = byDay.get(day)?.parent ?? null; p !== null && !keep.has(p); p = byDay.get(p)?.parent ?? null) keep.add(p);
  }
  return points.filter((p) => keep.has(p.day));
}
