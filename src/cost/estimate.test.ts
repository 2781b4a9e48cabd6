import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DayUsage } from '../repo/backend/metered.ts';
import { BUDGET_THRESHOLDS, checkBudget } from './budget.ts';
import { estimateCost, integrateSteps, leastSquaresSlope, type EstimateInput } from './estimate.ts';
import { B2_PRICES } from './prices.ts';
import { emptyLedger, type Ledger, type RunRecord } from './usage.ts';

const close = (a: number, b: number, what = '', eps = 1e-9): void => assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${what}: ${a} ≠ ${b}`);

function run(finished: string, storedGB: number, over: Partial<RunRecord> = {}): RunRecord {
  return { kind: 'backup', started: finished, finished, storedBytes: storedGB * 1e9, storedObjects: 100, hiddenBytes: 0, bytesUp: 0, bytesDown: 0, calls: {}, ...over };
}

function day(over: Partial<DayUsage> = {}): DayUsage {
  return { calls: {}, bytesUp: 0, bytesDown: 0, bytesDeleted: 0, deletesOfUnknownSize: 0, ...over };
}

function ledgerOf(runs: RunRecord[], days: Record<string, DayUsage> = {}): Ledger {
  return { ...emptyLedger('zephyrus'), runs, days };
}

function estimate(ledger: Ledger, over: Partial<EstimateInput> = {}) {
  return estimateCost({ ledger, prices: B2_PRICES, now: '2027-03-16T00:00:00.000Z', budgetUsd: 3, policy: 'report', tiers: null, profile: null, ...over });
}

test('estimate: storage is the month average, prorated so far, with the free 10 GB', () => {
  const e = estimate(ledgerOf([run('2027-02-20T03:00:00Z', 100)]));
  // 100 GB for 15 of March's 31 days so far; the free 10 GB prorated the same way.
  close(e.monthToDate.storageGBMonth, 100 * 15 / 31, 'GB-months so far');
  close(e.monthToDate.storageUsd, 90 * 15 / 31 * 0.006, 'so far');
  close(e.thisMonth.storageGBMonth, 100, 'whole month (flat: one run is no trend)');
  close(e.thisMonth.totalUsd, 0.54, 'whole month');
  close(e.forecast[0]!.totalUsd, 0.54, 'April');
  assert.equal(e.forecast.length, 3);
  assert.deepEqual(e.forecast.map((f) => f.month), ['2027-04', '2027-05', '2027-06']);
  assert.ok(e.notes.some((n) => n.includes('projected flat')));
});

test('estimate: storage is constant between runs (a step function), the first total assumed before it', () => {
  const samples = [{ t: 10, bytes: 100 }, { t: 20, bytes: 300 }];
  assert.equal(integrateSteps(samples, 0, 30), 100 * 20 + 300 * 10);
  assert.equal(integrateSteps(samples, 15, 25), 100 * 5 + 300 * 5);
  assert.equal(integrateSteps([], 0, 30), 0);
  const e = estimate(ledgerOf([run('2027-03-01T00:00:00Z', 100), run('2027-03-11T00:00:00Z', 200)]), { now: '2027-03-16T00:00:00Z', trendDays: 1 });
  close(e.monthToDate.storageGBMonth, (100 * 10 + 200 * 5) / 31);
});

test('estimate: call and download allowances apply day by day', () => {
  const days = {
    '2027-03-01': day({ calls: { get: 4000, list: 100 } }), // 1,500 class B over the allowance
    '2027-03-02': day({ calls: { get: 2000, head: 400 } }), // under it
    '2027-03-03': day({ bytesDown: 3e9 }), // 2 GB over
  };
  const e = estimate(ledgerOf([run('2027-02-20T03:00:00Z', 5)], days));
  close(e.monthToDate.callsUsd.B, 1500 / 10_000 * 0.004, 'B');
  assert.equal(e.monthToDate.callsUsd.C, 0);
  assert.deepEqual(e.monthToDate.calls, { A: 0, B: 6400, C: 100 });
  close(e.monthToDate.egressUsd, 0.02, 'egress');
  assert.equal(e.monthToDate.storageUsd, 0, '5 GB is inside the free 10 GB');
  close(e.monthToDate.totalUsd, 0.0006 + 0.02);
});

test('estimate: deleted bytes are billed as hidden versions for the lifecycle delay', () => {
  const e = estimate(ledgerOf([run('2027-02-20T03:00:00Z', 100)], { '2027-03-05': day({ bytesDeleted: 31e9 }) }));
  close(e.monthToDate.hiddenGBMonth, 1, '31 GB for one day of a 31-day month');
  const none = estimate(ledgerOf([run('2027-02-20T03:00:00Z', 100)], { '2027-03-05': day({ bytesDeleted: 31e9 }) }), { prices: { ...B2_PRICES, hiddenVersionDays: 0 } });
  assert.equal(none.monthToDate.hiddenGBMonth, 0);
});

test('estimate: the forecast follows the least-squares trend of the recent runs', () => {
  assert.equal(leastSquaresSlope([[0, 1], [1, 3], [2, 5]]), 2);
  // +2 GB a day for 15 days up to 130 GB at now.
  const runs = Array.from({ length: 16 }, (_, i) => run(new Date(Date.UTC(2027, 2, 1 + i)).toISOString(), 100 + 2 * i));
  const e = estimate(ledgerOf(runs), { budgetUsd: 10 });
  close(e.trend.slopeBytesPerDay, 2e9, 'slope');
  assert.equal(e.trend.runs, 16);
  // April: from 130 + 2·16 = 162 GB on Apr 1 to 222 GB on May 1 → 192 GB average.
  close(e.forecast[0]!.storageGBMonth, 192, 'April average');
  close(e.forecast[0]!.totalUsd, (192 - 10) * 0.006, 'April bill');
  assert.ok(e.forecast[1]!.totalUsd > e.forecast[0]!.totalUsd);
});

test('budget: alert at 80 %, warning at 90 %, over at 100 %', () => {
  assert.deepEqual(BUDGET_THRESHOLDS.map((t) => [t.level, t.fraction]), [['alert-80', 0.8], ['warning-90', 0.9], ['over-budget', 1]]);
  assert.equal(checkBudget(2.39, 3).level, 'ok');
  assert.equal(checkBudget(2.4, 3).level, 'alert-80');
  assert.equal(checkBudget(2.69, 3).level, 'alert-80');
  assert.equal(checkBudget(2.7, 3).level, 'warning-90');
  assert.equal(checkBudget(3, 3).level, 'over-budget');
  assert.equal(checkBudget(0, 0).level, 'ok');
  assert.equal(checkBudget(0.01, 0).level, 'over-budget');
  // 450 GB = $2.64 = 88 %; 500 GB = $2.94 = 98 %; 520 GB = $3.06.
  for (const [gb, level] of [[400, 'ok'], [450, 'alert-80'], [500, 'warning-90'], [520, 'over-budget']] as const) {
    const e = estimate(ledgerOf([run('2027-02-20T03:00:00Z', gb)]));
    assert.equal(e.thisMonth.budget!.level, level, `${gb} GB`);
    assert.equal(e.budget!.worst.level, level);
  }
});

test('estimate: the report policy says when to review; no runs and no budget are stated, not guessed', () => {
  const over = estimate(ledgerOf([run('2027-02-20T03:00:00Z', 600)]));
  assert.equal(over.policy.policy, 'report');
  assert.equal(over.policy.action, 'review');
  assert.equal(over.budget!.exceeds, true);
  const fine = estimate(ledgerOf([run('2027-02-20T03:00:00Z', 100)]));
  assert.equal(fine.policy.action, 'none');
  const empty = estimate(emptyLedger('zephyrus'), { budgetUsd: null });
  assert.equal(empty.thisMonth.totalUsd, 0);
  assert.equal(empty.budget, null);
  assert.equal(empty.latest, null);
  assert.ok(empty.notes.some((n) => n.includes('no run has measured')));
  assert.ok(empty.notes.some((n) => n.includes('no budget')));
});

test('estimate: the thin policy proposes a retention when the forecast reaches the budget', () => {
  // A laptop a year old at 7/4/12: 600 GB stored, 4 GB new per backup day, budget $3.
  const runs = Array.from({ length: 30 }, (_, i) => run(new Date(Date.UTC(2027, 1, 14 + i, 3)).toISOString(), 600, { started: new Date(Date.UTC(2027, 1, 14 + i, 2)).toISOString() }));
  runs.unshift(run('2026-03-01T03:00:00Z', 400, { started: '2026-03-01T02:00:00Z' }));
  const days = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [new Date(Date.UTC(2027, 1, 14 + i)).toISOString().slice(0, 10), day({ bytesUp: 4e9, calls: { put: 300 } })]));
  const tiers = { daily: 7, weekly: 4, monthly: 12, yearly: 0 };
  const e = estimate(ledgerOf(runs, days), { policy: 'thin', tiers, profile: 'dev-laptop' });
  assert.equal(e.policy.policy, 'thin');
  if (e.policy.policy !== 'thin') return;
  assert.equal(e.policy.action, 'thin', e.policy.message);
  const p = e.policy.proposal!;
  assert.ok(p.to.monthly < 12, 'monthly goes first');
  assert.equal(p.to.weekly, 4);
  assert.equal(p.to.daily, 7);
  assert.ok(p.projectedUsd <= 3 * 0.9 + 1e-9);
  assert.deepEqual(p.override.inventory, { hosts: { zephyrus: { profile: 'dev-laptop-thin' } } });
  const without = estimate(ledgerOf(runs, days), { policy: 'thin', tiers: null });
  assert.equal(without.policy.policy === 'thin' && without.policy.action, 'needs-tiers');
});
