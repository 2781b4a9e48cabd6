// Budget thresholds as named data. The specification asks for an alert at 80 % of the monthly budget
// ("Budget monitoring") and lists "B2 cost > 90 % of monthly budget" among the warning alerts; NOTES 12
// repeats both. 100 % is the budget itself.

export const BUDGET_LEVELS = ['ok', 'alert-80', 'warning-90', 'over-budget'] as const;
export type BudgetLevel = (typeof BUDGET_LEVELS)[number];

export interface BudgetThreshold {
  level: Exclude<BudgetLevel, 'ok'>;
  /** Fraction of the monthly budget at which the level starts. */
  fraction: number;
  why: string;
}

export const BUDGET_THRESHOLDS: readonly BudgetThreshold[] = [
  { level: 'alert-80', fraction: 0.8, why: 'spec, Budget monitoring: alert at 80 % of the monthly budget' },
  { level: 'warning-90', fraction: 0.9, why: 'spec, Warning alerts: B2 cost > 90 % of the monthly budget' },
  { level: 'over-budget', fraction: 1.0, why: 'the budget itself' },
];

export interface BudgetCheck {
  usd: number;
  budgetUsd: number;
  fraction: number;
  level: BudgetLevel;
}

export function checkBudget(usd: number, budgetUsd: number): BudgetCheck {
  const fraction = budgetUsd > 0 ? usd / budgetUsd : usd > 0 ? Number.POSITIVE_INFINITY : 0;
  let level: BudgetLevel = 'ok';
  // $2.40 of $3 is 80 % even though 2.4 / 3 is 0.7999… in binary floating point.
  for (const t of BUDGET_THRESHOLDS) if (fraction >= t.fraction - 1e-9) level = t.level;
  return { usd, budgetUsd, fraction, level };
}

export function worseLevel(a: BudgetLevel, b: BudgetLevel): BudgetLevel {
  return BUDGET_LEVELS.indexOf(a) >= BUDGET_LEVELS.indexOf(b) ? a : b;
}
