import { ENV } from '../../core/defaults.ts';
import { ExitCode } from '../../core/errors.ts';
import { formatGB } from '../../core/bytes.ts';
import { COST_POLICIES, estimateCost, readLedger, type CostEstimate, type CostPolicy } from '../../cost/index.ts';
import { costBasis, type CostBasis } from '../../cost/host-basis.ts';
import { readPrices } from '../../cost/read-files.ts';
import { amountFlag, choiceFlag, timeFlag, wholeFlag } from '../flags.ts';
import { stateDirOf } from '../options.ts';
import type { TierCounts } from '../../cost/keep-points.ts';
import { loadProfiles } from '../../plan/profiles.ts';
import type { StoragePlan } from '../../plan/types.ts';
import { emit, str, type Command, type Io, type Values } from '../command.ts';
import { onlyStateHost } from '../state-host.ts';
import { optionalPlan } from '../repo-options.ts';
import { costCommandInfo } from './cost.meta.ts';

export const costCommand: Command = {
  ...costCommandInfo,
  async run(values, _positionals, io) {
    const policy: CostPolicy = choiceFlag(values, 'policy', COST_POLICIES) ?? 'report';
    const now = timeFlag(values, 'now') ?? new Date().toISOString();
    const months = wholeFlag(values, 'months', { example: '3' });
    const budget = amountFlag(values, 'budget', 'a number of dollars', '5');
    const stateDir = stateDirOf(values);
    const context = await hostBasis(values, stateDir, budget, io);
    const prices = await readPrices(str(values, 'prices'));
    const ledger = await readLedger(stateDir, context.host);
    const estimate = estimateCost({
      ledger, prices, now, budgetUsd: context.budgetUsd, policy,
      tiers: context.tiers, profile: context.profile,
      ...(months === undefined ? {} : { horizonMonths: months }),
    });
    if (context.source !== null) estimate.notes.push(context.source);
    emit(io, estimate, () => formatEstimate(estimate));
    return ExitCode.ok;
  },
};

/** The host (flag, plan, or the only ledger), then what its estimate is measured against. */
async function hostBasis(values: Values, stateDir: string, budget: number | undefined, io: Io): Promise<CostBasis> {
  let plan: StoragePlan | null = null;
  try {
    plan = await optionalPlan(values);
  } catch (error) {
    if (str(values, 'plan') !== undefined || process.env[ENV.plan] !== undefined) throw error;
  }
  const host = str(values, 'host') ?? plan?.host ?? await onlyStateHost(stateDir, 'cost', io);
  // Without a plan for this host, a spec host's built-in profile still knows its budget and retention.
  return costBasis(host, plan, plan?.host === host ? [] : await loadProfiles(), budget);
}

const usd = (n: number): string => `$${n.toFixed(2)}`;
const pct = (f: number): string => (Number.isFinite(f) ? `${(f * 100).toFixed(0)} %` : '∞');

export function formatEstimate(e: CostEstimate): string {
  const lines = [`panther cost — ${e.host} at ${e.now} (${e.prices.provider})`];
  lines.push(e.latest === null
    ? 'stored     nothing measured yet'
    : `stored     ${formatGB(e.latest.storedBytes)}${e.latest.storedObjects === null ? '' : ` in ${e.latest.storedObjects} objects`} after the run of ${e.latest.at}` +
      (e.latest.hiddenBytes > 0 ? ` (+ ${formatGB(e.latest.hiddenBytes)} hidden versions)` : ''));
  const t = e.trend;
  lines.push(`trend      ${t.slopeBytesPerDay >= 0 ? '+' : '−'}${formatGB(Math.abs(t.slopeBytesPerDay))}/day over ${t.runs} measured runs; ` +
    `an average day: ${t.dailyCalls.B.toFixed(0)} class B + ${t.dailyCalls.C.toFixed(0)} class C calls, ${t.dailyEgressGB.toFixed(2)} GB down, ${usd(t.dailyChargesUsd)}`);
  const m = e.monthToDate;
  lines.push(`${m.month} so far   ${usd(m.totalUsd)}  (storage ${m.storageGBMonth.toFixed(1)} GB-months ${usd(m.storageUsd)}, calls ${usd(m.callsUsd.B + m.callsUsd.C)}, downloads ${usd(m.egressUsd)})`);
  const row = (label: string, x: CostEstimate['thisMonth']): string =>
    `${label} ${usd(x.totalUsd).padStart(8)}  avg ${x.storageGBMonth.toFixed(1).padStart(7)} GB` +
    (x.budget === null ? '' : `  ${pct(x.budget.fraction).padStart(6)} of ${usd(x.budget.budgetUsd)}  ${x.budget.level}`);
  lines.push(row(`${e.thisMonth.month} estimate`, e.thisMonth));
  for (const f of e.forecast) lines.push(row(`${f.month} forecast`, f));
  if (e.budget !== null) {
    lines.push(`budget     ${usd(e.budget.monthlyUsd)}/month; ${e.budget.thresholds.map((x) => `${x.level} at ${pct(x.fraction)}`).join(', ')}; worst ${e.budget.worst.month} ${usd(e.budget.worst.usd)} (${e.budget.worst.level})`);
  }
  lines.push(`policy     ${e.policy.policy}: ${e.policy.message}`);
  if (e.policy.policy === 'thin' && e.policy.proposal !== null) {
    const p = e.policy.proposal;
    const tiers = (x: TierCounts): string => `${x.daily}/${x.weekly}/${x.monthly}${x.yearly > 0 ? `/${x.yearly}` : ''}`;
    lines.push(`           retention ${tiers(p.from)} → ${tiers(p.to)} (daily/weekly/monthly): stored ${formatGB(p.projectedStoredBytes.current)} → ${formatGB(p.projectedStoredBytes.proposed)}, saves ${usd(p.savingUsdPerMonth)}/month`);
    if (p.override.profilesFile !== null) {
      lines.push('           add to your --profiles FILE:', indent(JSON.stringify(p.override.profilesFile, null, 2)));
      lines.push('           and in the inventory:', indent(JSON.stringify(p.override.inventory, null, 2)));
    }
    lines.push(`           ${p.override.note}`);
  }
  for (const n of e.notes) lines.push(`note       ${n}`);
  return lines.join('\n');
}

function indent(text: string): string {
  return text.split('\n').map((l) => `             ${l}`).join('\n');
}
