// `panther cost`: this month's bill so far, the whole month's estimate, a forecast for the next
// months, the budget thresholds and the budget policy's outcome, all from a host's ledger. Pure: the
// ledger, the prices and `now` are parameters.
//
// Storage changes only while runs write or prune, so between runs it is constant: the ledger's
// end-of-run totals form a step function, integrated over the month (B2 bills byte-hours). Before the
// first measured run the first total is assumed. Hidden versions add each deleted byte for the
// lifecycle delay. Ahead of now, storage follows the trend: a least-squares line through the totals of
// the last `trendDays`, anchored at the latest total. Calls and downloads ahead of now cost what an
// average recent day cost, each day's free allowance applied to that day.
import type { DayUsage } from '../repo/backend/metered.ts';
import { BUDGET_THRESHOLDS, checkBudget, type BudgetCheck, type BudgetThreshold } from './budget.ts';
import type { TierCounts } from './keep-points.ts';
import { dayCharges, GB, storageUsd, TRANSACTION_CLASSES, type CallsByClass, type PriceTable } from './prices.ts';
import { daysIn, nextMonth } from './calendar.ts';
import { thinRetention, type ThinProposal } from './thin.ts';
import type { Ledger, RunRecord } from './usage.ts';

export const COST_POLICIES = ['report', 'thin'] as const;
export type CostPolicy = (typeof COST_POLICIES)[number];

export const ESTIMATE_DEFAULTS = { horizonMonths: 3, trendDays: 30, hotFraction: 0.25, maxChain: 14 } as const;

const DAY_MS = 86_400_000;

export interface EstimateInput {
  ledger: Ledger;
  prices: PriceTable;
  now: string;
  budgetUsd: number | null;
  policy: CostPolicy;
  /** The host's retention (for `thin`); null when no plan was given. */
  tiers: TierCounts | null;
  profile: string | null;
  horizonMonths?: number;
  trendDays?: number;
  hotFraction?: number;
  maxChain?: number;
}

export interface Charges {
  /** Average stored GB over the month (or the part covered), hidden versions included. */
  storageGBMonth: number;
  hiddenGBMonth: number;
  storageUsd: number;
  calls: CallsByClass;
  callsUsd: CallsByClass;
  egressGB: number;
  egressUsd: number;
  totalUsd: number;
}

export interface MonthEstimate extends Charges {
  month: string;
  budget: BudgetCheck | null;
}

export interface Trend {
  /** Measured runs the line was fitted through. */
  runs: number;
  slopeBytesPerDay: number;
  /** An average recent day: each day's charges with that day's free allowances, then averaged. */
  dailyChargesUsd: number;
  dailyCalls: CallsByClass;
  dailyCallsUsd: CallsByClass;
  dailyEgressGB: number;
  dailyEgressUsd: number;
  dailyDeletedBytes: number;
  /** Median upload of a recent day with backups: what a backup day adds. */
  backupDayUploadBytes: number;
}

export type PolicyOutcome =
  | { policy: 'report'; action: 'none' | 'review'; message: string }
  | { policy: 'thin'; action: 'none' | 'thin' | 'cannot-reach-target' | 'needs-tiers'; message: string; proposal: ThinProposal | null };

export interface CostEstimate {
  host: string;
  now: string;
  prices: { provider: string; allowanceShare: number; hiddenVersionDays: number };
  latest: { at: string; storedBytes: number; storedObjects: number | null; hiddenBytes: number } | null;
  monthToDate: Charges & { month: string; from: string; to: string };
  thisMonth: MonthEstimate;
  trend: Trend;
  forecast: MonthEstimate[];
  /** exceeds: the worst month reaches the budget (level over-budget). */
  budget: { monthlyUsd: number; thresholds: readonly BudgetThreshold[]; worst: BudgetCheck & { month: string }; exceeds: boolean } | null;
  policy: PolicyOutcome;
  notes: string[];
}

export function estimateCost(input: EstimateInput): CostEstimate {
  const { ledger, prices } = input;
  const nowMs = Date.parse(input.now);
  const horizon = input.horizonMonths ?? ESTIMATE_DEFAULTS.horizonMonths;
  const notes: string[] = [];
  const samples = ledger.runs
    .filter((r): r is RunRecord & { storedBytes: number } => r.storedBytes !== null && Date.parse(r.finished) <= nowMs)
    .map((r) => ({ t: Date.parse(r.finished), bytes: r.storedBytes, run: r }))
    .sort((a, b) => a.t - b.t);
  if (samples.length === 0) notes.push('no run has measured the repository yet: storage counts as 0 (record runs with their stored total)');
  const last = samples[samples.length - 1];
  const trend = fitTrend(input, samples, nowMs, notes);
  const project = (t: number): number => Math.max(0, (last?.bytes ?? 0) + trend.slopeBytesPerDay * ((t - nowMs) / DAY_MS));

  const month = input.now.slice(0, 7);
  const monthStart = Date.parse(`${month}-01T00:00:00Z`);
  const monthEnd = Date.parse(`${nextMonth(month)}-01T00:00:00Z`);
  const monthMs = monthEnd - monthStart;
  const today = input.now.slice(0, 10);
  const elapsed = (nowMs - monthStart) / monthMs;

  // Month to date: what happened.
  const mtdDays = Object.entries(ledger.days).filter(([d]) => d.startsWith(month) && d <= today).map(([, u]) => u);
  const mtdStoredGBm = integrateSteps(samples, monthStart, nowMs) / monthMs / GB;
  const mtdHiddenGBm = mtdDays.reduce((s, d) => s + d.bytesDeleted, 0) * prices.hiddenVersionDays * DAY_MS / monthMs / GB;
  const monthToDate = {
    month, from: new Date(monthStart).toISOString(), to: input.now,
    ...charges(mtdStoredGBm + mtdHiddenGBm, mtdHiddenGBm, mtdDays.map((d) => dayCharges(d, prices)), prices, elapsed),
  };

  // The rest of the month: the trend line and an average day.
  const restMs = monthEnd - nowMs;
  const restStoredGBm = integrateLine(project(nowMs), project(monthEnd), restMs) / monthMs / GB;
  const restHiddenGBm = trend.dailyDeletedBytes * prices.hiddenVersionDays * (restMs / monthMs) / GB;
  const restDays = restMs / DAY_MS;
  const storedGBm = monthToDate.storageGBMonth + restStoredGBm + restHiddenGBm;
  const hiddenGBm = monthToDate.hiddenGBMonth + restHiddenGBm;
  const thisMonth = monthEstimate(month, storedGBm, hiddenGBm, {
    calls: addCalls(monthToDate.calls, scaleCalls(trend.dailyCalls, restDays)),
    callsUsd: addCalls(monthToDate.callsUsd, scaleCalls(trend.dailyCallsUsd, restDays)),
    egressGB: monthToDate.egressGB + trend.dailyEgressGB * restDays,
    egressUsd: monthToDate.egressUsd + trend.dailyEgressUsd * restDays,
  }, prices, input.budgetUsd);

  const forecast: MonthEstimate[] = [];
  let m = month;
  for (let i = 0; i < horizon; i++) {
    m = nextMonth(m);
    const from = Date.parse(`${m}-01T00:00:00Z`);
    const to = Date.parse(`${nextMonth(m)}-01T00:00:00Z`);
    const days = daysIn(m);
    const stored = integrateLine(project(from), project(to), to - from) / (to - from) / GB;
    const hidden = trend.dailyDeletedBytes * prices.hiddenVersionDays / GB;
    forecast.push(monthEstimate(m, stored + hidden, hidden, {
      calls: scaleCalls(trend.dailyCalls, days),
      callsUsd: scaleCalls(trend.dailyCallsUsd, days),
      egressGB: trend.dailyEgressGB * days,
      egressUsd: trend.dailyEgressUsd * days,
    }, prices, input.budgetUsd));
  }

  const budget = budgetSummary(input.budgetUsd, [thisMonth, ...forecast]);
  if (input.budgetUsd === null) notes.push('no budget given: pass --plan (backup.monthlyBudgetUsd) or --budget USD for thresholds and policy');
  if (prices.allowanceShare === 1) notes.push('free allowances counted in full for this host; hosts sharing one account share them (prices allowanceShare)');
  const policy = decidePolicy(input, budget, trend, samples, nowMs, forecast, thisMonth);
  return {
    host: ledger.host, now: input.now,
    prices: { provider: prices.provider, allowanceShare: prices.allowanceShare, hiddenVersionDays: prices.hiddenVersionDays },
    latest: last === undefined ? null : { at: last.run.finished, storedBytes: last.bytes, storedObjects: last.run.storedObjects, hiddenBytes: last.run.hiddenBytes },
    monthToDate, thisMonth, trend, forecast, budget, policy, notes,
  };
}

interface Sample { t: number; bytes: number; run: RunRecord }

function fitTrend(input: EstimateInput, samples: Sample[], nowMs: number, notes: string[]): Trend {
  const trendDays = input.trendDays ?? ESTIMATE_DEFAULTS.trendDays;
  const from = nowMs - trendDays * DAY_MS;
  const recent = samples.filter((s) => s.t >= from);
  let slope = 0;
  const span = recent.length > 0 ? recent[recent.length - 1]!.t - recent[0]!.t : 0;
  if (recent.length >= 2 && span >= DAY_MS / 2) slope = leastSquaresSlope(recent.map((s) => [s.t / DAY_MS, s.bytes]));
  else notes.push(`fewer than two measured runs half a day apart in the last ${trendDays} days: storage is projected flat`);
  // Average day: complete days of the window from the ledger's first day on, days without runs
  // counting as zero; with no complete day yet, today so far stands in.
  const today = input.now.slice(0, 10);
  const firstDate = Object.keys(input.ledger.days).sort()[0] ?? today;
  const windowStart = new Date(Math.max(from, Date.parse(`${firstDate}T00:00:00Z`))).toISOString().slice(0, 10);
  const complete: DayUsage[] = [];
  for (let t = Date.parse(`${windowStart}T00:00:00Z`); new Date(t).toISOString().slice(0, 10) < today; t += DAY_MS) {
    complete.push(input.ledger.days[new Date(t).toISOString().slice(0, 10)] ?? { calls: {}, bytesUp: 0, bytesDown: 0, bytesDeleted: 0, deletesOfUnknownSize: 0 });
  }
  const days = complete.length > 0 ? complete : [input.ledger.days[today]].filter((d): d is DayUsage => d !== undefined);
  const n = Math.max(1, days.length);
  const perDay = days.map((d) => dayCharges(d, input.prices));
  const calls: CallsByClass = { A: 0, B: 0, C: 0 };
  const callsUsd: CallsByClass = { A: 0, B: 0, C: 0 };
  for (const c of TRANSACTION_CLASSES) {
    calls[c] = perDay.reduce((s, d) => s + d.calls[c], 0) / n;
    callsUsd[c] = perDay.reduce((s, d) => s + d.callsUsd[c], 0) / n;
  }
  const uploads = days.map((d) => d.bytesUp).filter((b) => b > 0).sort((a, b) => a - b);
  return {
    runs: recent.length,
    slopeBytesPerDay: slope,
    dailyChargesUsd: perDay.reduce((s, d) => s + d.totalUsd, 0) / n,
    dailyCalls: calls,
    dailyCallsUsd: callsUsd,
    dailyEgressGB: days.reduce((s, d) => s + d.bytesDown, 0) / n / GB,
    dailyEgressUsd: perDay.reduce((s, d) => s + d.egressUsd, 0) / n,
    dailyDeletedBytes: days.reduce((s, d) => s + d.bytesDeleted, 0) / n,
    backupDayUploadBytes: uploads.length === 0 ? 0 : uploads[Math.floor((uploads.length - 1) / 2)]!,
  };
}

/** Ordinary least squares slope of y over x. */
export function leastSquaresSlope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) { num += (x - mx) * (y - my); den += (x - mx) ** 2; }
  return den === 0 ? 0 : num / den;
}

/** ∫ stored dt over [a, b] in byte·ms, storage constant between measured runs. */
export function integrateSteps(samples: ReadonlyArray<{ t: number; bytes: number }>, a: number, b: number): number {
  if (samples.length === 0 || b <= a) return 0;
  let total = 0;
  let value = samples[0]!.bytes; // before the first measurement: assume it
  let from = a;
  for (const s of samples) {
    if (s.t <= a) { value = s.bytes; continue; }
    if (s.t >= b) break;
    total += value * (s.t - from);
    from = s.t;
    value = s.bytes;
  }
  return total + value * (b - from);
}

/** ∫ of a straight line from v0 to v1 over `ms`, both ends already clamped at ≥ 0. */
function integrateLine(v0: number, v1: number, ms: number): number {
  return ms <= 0 ? 0 : ((v0 + v1) / 2) * ms;
}

function charges(storedGBm: number, hiddenGBm: number, days: ReturnType<typeof dayCharges>[], prices: PriceTable, monthFraction: number): Charges {
  const calls: CallsByClass = { A: 0, B: 0, C: 0 };
  const callsUsd: CallsByClass = { A: 0, B: 0, C: 0 };
  for (const d of days) for (const c of TRANSACTION_CLASSES) { calls[c] += d.calls[c]; callsUsd[c] += d.callsUsd[c]; }
  const egressUsd = days.reduce((s, d) => s + d.egressUsd, 0);
  const storage = storageUsd(storedGBm, prices, monthFraction);
  return {
    storageGBMonth: storedGBm, hiddenGBMonth: hiddenGBm, storageUsd: storage, calls, callsUsd,
    egressGB: days.reduce((s, d) => s + d.egressBytes, 0) / GB, egressUsd,
    totalUsd: storage + sumCalls(callsUsd) + egressUsd,
  };
}

function monthEstimate(month: string, storedGBm: number, hiddenGBm: number, rest: Pick<Charges, 'calls' | 'callsUsd' | 'egressGB' | 'egressUsd'>, prices: PriceTable, budgetUsd: number | null): MonthEstimate {
  const storage = storageUsd(storedGBm, prices);
  const totalUsd = storage + sumCalls(rest.callsUsd) + rest.egressUsd;
  return {
    month, storageGBMonth: storedGBm, hiddenGBMonth: hiddenGBm, storageUsd: storage, ...rest, totalUsd,
    budget: budgetUsd === null ? null : checkBudget(totalUsd, budgetUsd),
  };
}

function budgetSummary(budgetUsd: number | null, months: MonthEstimate[]): CostEstimate['budget'] {
  if (budgetUsd === null) return null;
  const worst = months.reduce((a, b) => (b.totalUsd > a.totalUsd ? b : a));
  const check = checkBudget(worst.totalUsd, budgetUsd);
  return { monthlyUsd: budgetUsd, thresholds: BUDGET_THRESHOLDS, worst: { month: worst.month, ...check }, exceeds: check.level === 'over-budget' };
}

function decidePolicy(input: EstimateInput, budget: CostEstimate['budget'], trend: Trend, samples: Sample[], nowMs: number, forecast: MonthEstimate[], thisMonth: MonthEstimate): PolicyOutcome {
  const usd = (n: number): string => `$${n.toFixed(2)}`;
  if (budget === null) {
    return input.policy === 'report'
      ? { policy: 'report', action: 'none', message: 'no budget to compare with' }
      : { policy: 'thin', action: 'none', message: 'no budget to compare with', proposal: null };
  }
  const w = budget.worst;
  const over = `${w.month} is forecast at ${usd(w.usd)}, ${(w.fraction * 100).toFixed(0)} % of the ${usd(budget.monthlyUsd)} budget`;
  if (input.policy === 'report') {
    if (budget.exceeds) return { policy: 'report', action: 'review', message: `${over}: thin retention (--policy thin computes it), raise the budget or back up less` };
    if (w.level !== 'ok') return { policy: 'report', action: 'review', message: `${over}: approaching the budget` };
    return { policy: 'report', action: 'none', message: `within budget: ${over}` };
  }
  if (!budget.exceeds) return { policy: 'thin', action: 'none', message: `within budget, nothing to thin: ${over}`, proposal: null };
  if (input.tiers === null) return { policy: 'thin', action: 'needs-tiers', message: `${over}; thinning needs the retention tiers: pass --plan`, proposal: null };
  const month = [thisMonth, ...forecast].find((f) => f.month === w.month)!;
  const firstRun = input.ledger.runs[0];
  const proposal = thinRetention({
    host: input.ledger.host, profile: input.profile, tiers: input.tiers,
    storedBytes: samples[samples.length - 1]?.bytes ?? 0,
    dailyNewBytes: trend.backupDayUploadBytes,
    ageDays: firstRun === undefined ? 1 : Math.max(1, (nowMs - Date.parse(firstRun.started)) / DAY_MS),
    horizonDays: Math.max(0, (Date.parse(`${nextMonth(month.month)}-01T00:00:00Z`) - nowMs) / DAY_MS),
    forecastUsd: w.usd, budgetUsd: budget.monthlyUsd, prices: input.prices,
    hotFraction: input.hotFraction ?? ESTIMATE_DEFAULTS.hotFraction, maxChain: input.maxChain ?? ESTIMATE_DEFAULTS.maxChain,
  });
  const saving = `saves ≈ ${usd(proposal.savingUsdPerMonth)}/month → ${usd(proposal.projectedUsd)}`;
  if (proposal.reachesTarget) {
    return { policy: 'thin', action: 'thin', message: `${over}; proposed retention ${proposal.steps.join(', ') || '(unchanged)'} ${saving}`, proposal };
  }
  return { policy: 'thin', action: 'cannot-reach-target', message: `${over}; even the thinnest allowed retention (${proposal.steps.join(', ')}) ${saving}, above ${usd(proposal.targetUsd)}: raise the budget or back up less`, proposal };
}

function addCalls(a: CallsByClass, b: CallsByClass): CallsByClass {
  return { A: a.A + b.A, B: a.B + b.B, C: a.C + b.C };
}

function scaleCalls(a: CallsByClass, k: number): CallsByClass {
  return { A: a.A * k, B: a.B * k, C: a.C * k };
}

function sumCalls(a: CallsByClass): number {
  return a.A + a.B + a.C;
}
