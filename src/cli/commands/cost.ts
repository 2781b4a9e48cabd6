import { readFile } from 'node:fs/promises';
import { ExitCode, PantherError, usageError } from '../../core/errors.ts';
import { formatGB } from '../../core/bytes.ts';
import { B2_PRICES, COST_POLICIES, DEFAULT_STATE_DIR, estimateCost, parsePrices, readLedger, type CostEstimate, type CostPolicy, type PriceTable } from '../../cost/index.ts';
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
    const policy = (str(values, 'policy') ?? 'report') as CostPolicy;
    if (!COST_POLICIES.includes(policy)) throw usageError(`--policy ${policy}: expected ${COST_POLICIES.join(' or ')}`);
    const now = str(values, 'now') ?? new Date().toISOString();
    if (Number.isNaN(Date.parse(now)) || !/^\d{4}-\d{2}-\d{2}T/.test(now)) throw usageError(`--now ${now}: not an ISO time`, 'e.g. 2027-03-14T12:00:00Z');
    const stateDir = str(values, 'state-dir') ?? process.env['PANTHER_STATE_DIR'] ?? DEFAULT_STATE_DIR;
    const context = await hostContext(values, stateDir, io);
    const prices = await readPrices(str(values, 'prices'));
    const ledger = await readLedger(stateDir, context.host);
    const months = str(values, 'months');
    if (months !== undefined && !/^\d+$/.test(months)) throw usageError(`--months ${months}: a whole number`);
    const estimate = estimateCost({
      ledger, prices, now: new Date(now).toISOString(), budgetUsd: context.budgetUsd, policy,
      tiers: context.tiers, profile: context.profile,
      ...(months === undefined ? {} : { horizonMonths: Number(months) }),
    });
    if (context.source !== null) estimate.notes.push(context.source);
    emit(io, estimate, () => formatEstimate(estimate));
    return ExitCode.ok;
  },
};

interface HostContext {
  host: string;
  budgetUsd: number | null;
  tiers: TierCounts | null;
  profile: string | null;
  source: string | null;
}

async function hostContext(values: Values, stateDir: string, io: Io): Promise<HostContext> {
  let plan: StoragePlan | null = null;
  try {
    plan = await optionalPlan(values);
  } catch (error) {
    if (str(values, 'plan') !== undefined || process.env['PANTHER_PLAN'] !== undefined) throw error;
  }
  const host = str(values, 'host') ?? plan?.host ?? await onlyStateHost(stateDir, 'cost', io);
  const budgetText = str(values, 'budget');
  const budgetFlag = budgetText === undefined ? undefined : Number(budgetText);
  if (budgetFlag !== undefined && !(Number.isFinite(budgetFlag) && budgetFlag >= 0)) throw usageError(`--budget ${budgetText}: a number of dollars ≥ 0`);
  if (plan !== null && plan.host === host) {
    return { host, budgetUsd: budgetFlag ?? plan.backup.monthlyBudgetUsd, tiers: planTiers(plan), profile: plan.profile, source: null };
  }
  // No plan for this host: a spec host's built-in profile still knows its budget and retention.
  const profile = (await loadProfiles()).find((p) => p.specHost === host);
  if (profile === undefined) return { host, budgetUsd: budgetFlag ?? null, tiers: null, profile: null, source: null };
  const r = profile.retention;
  return {
    host, budgetUsd: budgetFlag ?? profile.backup.monthlyBudgetUsd, profile: profile.id,
    tiers: { daily: r.daily, weekly: r.weekly, monthly: r.monthly, yearly: r.yearly ?? 0 },
    source: `budget and retention from the built-in profile ${profile.id} (no plan for ${host})`,
  };
}

/** The backed-up subvolumes' retention (one profile-wide policy; the most generous if they differ). */
function planTiers(plan: StoragePlan): TierCounts | null {
  const tiers = plan.pools.flatMap((p) => p.subvolumes).filter((s) => s.backup !== 'never' && s.snapshots !== null).map((s) => s.snapshots!);
  if (tiers.length === 0) return null;
  return {
    daily: Math.max(...tiers.map((t) => t.daily)), weekly: Math.max(...tiers.map((t) => t.weekly)),
    monthly: Math.max(...tiers.map((t) => t.monthly)), yearly: Math.max(...tiers.map((t) => t.yearly)),
  };
}

export async function readPrices(file: string | undefined): Promise<PriceTable> {
  if (file === undefined) return B2_PRICES;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new PantherError('prices-unreadable', `${file}: cannot read the price table (${(cause as Error).message})`, {
      subject: file, cause, exitCode: ExitCode.usage, hint: 'pass a JSON file with the fields to change, e.g. { "storage": { "usdPerTBMonth": 7 } }',
    });
  }
  return parsePrices(json, file);
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
