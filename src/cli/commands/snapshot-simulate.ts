import { ExitCode, PantherError, usageError } from '../../core/errors.ts';
import { loadProfiles } from '../../plan/profiles.ts';
import { policyPlan } from '../../plan/resolve.ts';
import type { SnapshotTiers, StoragePlan } from '../../plan/types.ts';
import { describeSchedule, simulateRetention, type SimulationResult } from '../../snapshot/retention/index.ts';
import type { RetentionPolicy } from '../../snapshot/types.ts';
import { emit, str, type Command, type Values } from '../command.ts';
import { resolvePlan } from '../plan-input.ts';
import { timeFlag, wholeFlag } from '../flags.ts';
import { snapshotSimulateInfo, TIER_FLAGS } from './snapshot-simulate.meta.ts';

const DAY_MS = 86_400_000;

export const snapshotSimulate: Command = {
  ...snapshotSimulateInfo,
  async run(values, _positionals, io) {
    const policy = await policyFrom(values);
    const days = wholeFlag(values, 'days', { min: 1, example: '400' }) ?? 400;
    // The CLI is the edge that may read the clock; simulateRetention itself is given its window.
    const start = timeFlag(values, 'start') ?? new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - days * DAY_MS).toISOString();
    const result = simulateRetention(policy, { days, start });
    emit(io, result, () => formatSimulation(result));
    return ExitCode.ok;
  },
};

async function policyFrom(values: Values): Promise<RetentionPolicy> {
  const fromPlan = await planTiers(values);
  const tiers: SnapshotTiers = fromPlan?.tiers ?? { frequentMinutes: null, frequent: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 };
  let given = fromPlan !== null;
  for (const tier of TIER_FLAGS) {
    const n = wholeFlag(values, tier, { example: '7' });
    if (n !== undefined) { tiers[tier] = n; given = true; }
  }
  const minutes = wholeFlag(values, 'frequent-minutes', { min: 1, example: '15' });
  if (minutes !== undefined) tiers.frequentMinutes = minutes;
  if (tiers.frequent > 0 && tiers.frequentMinutes === null) throw usageError('--frequent needs --frequent-minutes M', 'e.g. --frequent 24 --frequent-minutes 60');
  if (!given) throw usageError('no retention policy given', 'pass tier counts (--daily 7 --weekly 4 --monthly 12) or a plan (--plan FILE, --host NAME)');
  return { tiers, timezone: str(values, 'timezone') ?? fromPlan?.timezone ?? null };
}

async function planTiers(values: Values): Promise<{ tiers: SnapshotTiers; timezone: string | null } | null> {
  const plan = await planFrom(values);
  if (plan === null) return null;
  const wanted = str(values, 'subvolume');
  const subvolumes = plan.pools.flatMap((pool) => pool.subvolumes);
  const sub = wanted === undefined ? subvolumes.find((s) => s.snapshots !== null) : subvolumes.find((s) => s.name === wanted);
  if (sub === undefined || sub.snapshots === null) {
    throw new PantherError('no-snapshot-tiers', wanted === undefined ? `${plan.host}: no subvolume is snapshotted` : `${plan.host}: subvolume ${wanted} is ${sub === undefined ? 'not in the plan' : 'never snapshotted'}`, {
      exitCode: ExitCode.usage,
      hint: `snapshotted subvolumes: ${subvolumes.filter((s) => s.snapshots !== null).map((s) => s.name).join(', ') || 'none'}`,
    });
  }
  return { tiers: { ...sub.snapshots }, timezone: plan.snapshots.timezone };
}

async function planFrom(values: Values): Promise<StoragePlan | null> {
  if (['plan', 'facter', 'inventory'].some((k) => str(values, k) !== undefined)) return (await resolvePlan(values)).plan;
  const id = str(values, 'profile');
  const host = str(values, 'host');
  if (id === undefined && host === undefined) return null;
  return policyPlan(await loadProfiles(str(values, 'profiles')), { ...(id === undefined ? {} : { id }), ...(host === undefined ? {} : { host }) });
}

const WEEKDAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function formatSimulation(r: SimulationResult): string {
  const zone = r.policy.timezone ?? 'UTC';
  const first = r.days[0]?.date ?? '';
  const last = r.days[r.days.length - 1]?.date ?? '';
  const lines = [
    `policy    ${r.description}`,
    `timers    ${describeSchedule(r.schedule)} (${zone})`,
    `window    ${first} → ${last} (${Math.round((Date.parse(r.end) - Date.parse(r.start)) / DAY_MS)} days): ${r.created} snapshots taken, at most ${r.peak} present at once, ${r.kept.length} kept at the end`,
    '',
    `kept at the end (${r.kept.length}), oldest first:`,
  ];
  let month = '';
  for (const s of r.kept) {
    if (s.local.slice(0, 7) !== month) { month = s.local.slice(0, 7); lines.push(month); }
    const weekday = WEEKDAY[new Date(`${s.local.slice(0, 10)}T00:00:00Z`).getUTCDay()];
    lines.push(`  ${s.local.slice(0, 10)} ${weekday} ${s.local.slice(11)}  ${s.reasons.join(', ')}`);
  }
  lines.push('', 'calendar: ▮ a snapshot of that day is kept  ▯ taken, none kept  · none taken');
  const byMonth = new Map<string, typeof r.days>();
  for (const d of r.days) byMonth.set(d.date.slice(0, 7), [...(byMonth.get(d.date.slice(0, 7)) ?? []), d]);
  for (const [m, days] of byMonth) {
    const strip = Array.from({ length: 31 }, (_, i) => {
      const d = days.find((x) => Number(x.date.slice(8, 10)) === i + 1);
      return d === undefined || d.created === 0 ? '·' : d.survivors > 0 ? '▮' : '▯';
    }).join('').slice(0, daysInMonth(m));
    const kept = days.reduce((n, d) => n + d.survivors, 0);
    lines.push(`${m} ${strip.padEnd(31)}  ${String(kept).padStart(3)} kept, ${days[days.length - 1]!.present} present at month end`);
  }
  return lines.join('\n');
}

function daysInMonth(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

