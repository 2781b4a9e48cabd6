// `panther cost simulate`: a fleet's stored bytes and monthly bill, month by month, for our
// repository and for the btrbk raw-target way, from the storage model in chain-model.ts. Pure: the
// fleet, the first month and the price table are parameters.
//
// Approaches (same data, same retention tiers, same windows):
//  - panther: zstd + dedup (fleet.compression × fleet.dedup); incremental sends, a full send when a
//    chain would exceed maxChain (14), fulls deduplicated against the store; retention keeps the tiers'
//    points plus their chains.
//  - btrbk-raw: `btrfs send | zstd` files (fleet.compression, no dedup); a full send at the first
//    backup of every month, daily incrementals against the day before; a kept point keeps its chain
//    back to its month's full, so every kept month costs a whole full plus its incrementals.
// Both seed with one full over as many nights as the window allows. The raw way's numbers assume its
// uploads fit the window; `fits` says when they do not (a monthly full of a large host takes most of
// the month's nights, and btrbk cannot resume an interrupted stream at all).
import { checkBudget, type BudgetLevel } from './budget.ts';
import { dayNumber, daysIn, monthList, nextMonth } from './calendar.ts';
import { playSeries, type ChainRule, type SeriesDay } from './chain-model.ts';
import type { Fleet, FleetHost } from './fleet.ts';
import { dayCharges, GB, storageUsd, type PriceTable } from './prices.ts';
import { hostSchedule, nightlyCapacities } from './window.ts';

export const APPROACHES = ['panther', 'btrbk-raw'] as const;
export type Approach = (typeof APPROACHES)[number];

export const APPROACH_LABELS: Record<Approach, string> = {
  'panther': 'panther repository (zstd + dedup, chain ≤ 14 then deduplicated full)',
  'btrbk-raw': 'btrbk raw target (zstd files, monthly full + daily incrementals, no dedup)',
};

export interface SimulateOptions {
  /** First month, "YYYY-MM"; day 0 is its first day. */
  start: string;
  months: number;
  prices: PriceTable;
}

export interface HostMonth {
  month: string;
  /** At the month's last day. */
  storedBytes: number;
  averageStoredBytes: number;
  /** This host's storage alone, without the account's free 10 GB. */
  storageUsd: number;
  uploadBytes: number;
  /** Nights of this host's window the month's uploads need, and nights the month has. */
  uploadNights: number;
  nights: number;
  fits: boolean;
  keptPoints: number;
}

export interface HostResult {
  name: string;
  seedBytes: number;
  /** Nights the first upload takes at the host's cap and windows (null: longer than the simulation). */
  seedNights: number | null;
  months: HostMonth[];
}

export interface FleetMonth {
  month: string;
  storedBytes: number;
  averageStoredBytes: number;
  storageUsd: number;
  transactionsUsd: number;
  billUsd: number;
  fractionOfBudget: number;
  level: BudgetLevel;
}

export interface ApproachResult {
  approach: Approach;
  label: string;
  hosts: HostResult[];
  months: FleetMonth[];
}

export interface FleetSimulation {
  start: string;
  months: string[];
  budgetUsd: number;
  fleet: Fleet;
  approaches: ApproachResult[];
}

export function simulateFleet(fleet: Fleet, options: SimulateOptions): FleetSimulation {
  const months = monthList(options.start, options.months);
  const firstDay = dayNumber(`${months[0]}-01`);
  const endDay = dayNumber(`${nextMonth(months[months.length - 1]!)}-01`);
  // The account's allowances are shared by the whole fleet: the simulation is the account.
  const prices: PriceTable = { ...options.prices, allowanceShare: 1 };
  const approaches = APPROACHES.map((approach) => {
    const hosts = fleet.hosts.map((h) => simulateHost(h, fleet, approach, firstDay, endDay - firstDay, months, prices));
    return { approach, label: APPROACH_LABELS[approach], hosts, months: fleetMonths(hosts, fleet, months, prices) };
  });
  return { start: months[0]!, months, budgetUsd: fleet.budgetUsd, fleet, approaches };
}

function simulateHost(h: FleetHost, fleet: Fleet, approach: Approach, firstDay: number, days: number, months: string[], prices: PriceTable): HostResult {
  const factor = fleet.compression * (approach === 'panther' ? fleet.dedup : 1);
  const growth = h.growthPerMonth ?? 0;
  const fullBytes = Array.from({ length: days }, (_, i) => h.usedGB * GB * factor * (1 + growth) ** (i / 30.4375));
  const schedule = hostSchedule(h.window, h.staggerMinutes ?? 0, h.timezone ?? 'UTC', h.name);
  const capacity = nightlyCapacities(firstDay, days, h.bandwidthBitsPerSecond, schedule, fleet.linkEfficiency);
  const rule: ChainRule = approach === 'panther' ? { kind: 'bounded', maxChain: fleet.maxChain } : { kind: 'monthly-full' };
  const series = playSeries({
    firstDay, fullBytes, nightlyCapacity: capacity, tiers: h.retention, rule, dedupFulls: approach === 'panther',
    change: { dailyChange: h.dailyChange, hotFraction: h.hotFraction ?? fleet.hotFraction },
  });
  const perMonth = months.map((month) => {
    const from = dayNumber(`${month}-01`) - firstDay;
    const to = dayNumber(`${nextMonth(month)}-01`) - firstDay;
    return hostMonth(month, series.days.slice(from, to), capacity.slice(from, to), prices);
  });
  return { name: h.name, seedBytes: fullBytes[0] ?? 0, seedNights: series.seedNights, months: perMonth };
}

function hostMonth(month: string, days: SeriesDay[], capacity: number[], prices: PriceTable): HostMonth {
  const average = days.reduce((s, d) => s + d.storedBytes, 0) / days.length;
  const upload = days.reduce((s, d) => s + d.uploadBytes, 0);
  const totalCapacity = capacity.reduce((s, c) => s + c, 0);
  const perNight = totalCapacity / capacity.length;
  return {
    month,
    storedBytes: days[days.length - 1]!.storedBytes,
    averageStoredBytes: average,
    storageUsd: storageUsd(average / GB, { ...prices, allowanceShare: 0 }),
    uploadBytes: upload,
    uploadNights: perNight > 0 ? upload / perNight : Number.POSITIVE_INFINITY,
    nights: days.length,
    // A little slack for float sums: the seed fills its nights exactly.
    fits: upload <= totalCapacity * (1 + 1e-9),
    keptPoints: days[days.length - 1]!.keptPoints,
  };
}

function fleetMonths(hosts: HostResult[], fleet: Fleet, months: string[], prices: PriceTable): FleetMonth[] {
  // Every host runs every night; their calls land on the same account and the same UTC day.
  const n = fleet.hosts.length;
  const day = dayCharges({
    calls: { get: fleet.callsPerRun.B * n, list: fleet.callsPerRun.C * n },
    bytesUp: 0, bytesDown: 0, bytesDeleted: 0, deletesOfUnknownSize: 0,
  }, prices);
  return months.map((month, m) => {
    const stored = hosts.reduce((s, h) => s + h.months[m]!.storedBytes, 0);
    const average = hosts.reduce((s, h) => s + h.months[m]!.averageStoredBytes, 0);
    const storage = storageUsd(average / GB, prices);
    const transactions = day.totalUsd * daysIn(month);
    const bill = storage + transactions;
    const check = checkBudget(bill, fleet.budgetUsd);
    return {
      month, storedBytes: stored, averageStoredBytes: average, storageUsd: storage, transactionsUsd: transactions,
      billUsd: bill, fractionOfBudget: check.fraction, level: check.level,
    };
  });
}
