// The object store's price list as data, and the arithmetic that applies it. Defaults are Backblaze
// B2's list prices (shared knowledge docs/knowledge/backblaze-b2.md §1, third-party 2026 pages: check
// backblaze.com/cloud-storage/pricing before quoting them); `--prices FILE` replaces any field.
//
// Units: B2 sells decimal units (1 GB = 10^9 bytes, 1 TB = 10^12). Free allowances for downloads and
// Class B/C calls are per UTC day and do not carry over, so charges are computed day by day and then
// summed, never from a month's total. Storage is billed on the month's average (byte-hours), with the
// first 10 GB free.
import { ExitCode } from '../core/errors.ts';
import { checkSchema, schemaError } from '../core/schema.ts';
import { METERED_OPERATIONS, type DayUsage, type MeteredOperation } from '../repo/backend/metered.ts';
import { priceFile, TRANSACTION_CLASSES } from './prices-schema.ts';

export { TRANSACTION_CLASSES };
export type TransactionClass = (typeof TRANSACTION_CLASSES)[number];

export interface ClassPrice {
  usd: number;
  /** `usd` buys this many calls. */
  perCalls: number;
  freeCallsPerDay: number;
}

export interface PriceTable {
  provider: string;
  storage: { usdPerTBMonth: number; freeGB: number };
  egress: { usdPerGB: number; freeGBPerDay: number };
  classes: Record<TransactionClass, ClassPrice>;
  /** Which class each counted operation is billed as. */
  operationClass: Record<MeteredOperation, TransactionClass>;
  /**
   * Days a deleted or overwritten object stays billed as a hidden version before the bucket's
   * lifecycle rule deletes it ("keep only the last version" = 1). 0 when deletes go by versionId.
   */
  hiddenVersionDays: number;
  /**
   * The free allowances belong to the account, which every host of the fleet shares: the fraction
   * of them this host may count (1 = all of them, right for one host per account; 0.2 for five
   * hosts sharing evenly).
   */
  allowanceShare: number;
}

export const GB = 1e9;
export const TB = 1e12;

export const B2_PRICES: PriceTable = {
  provider: 'Backblaze B2 (list prices 2026; day boundary 00:00 UTC)',
  storage: { usdPerTBMonth: 6, freeGB: 10 },
  egress: { usdPerGB: 0.01, freeGBPerDay: 1 },
  classes: {
    A: { usd: 0, perCalls: 1, freeCallsPerDay: 0 },
    B: { usd: 0.004, perCalls: 10_000, freeCallsPerDay: 2_500 },
    C: { usd: 0.004, perCalls: 1_000, freeCallsPerDay: 2_500 },
  },
  operationClass: {
    'put': 'A', 'create-multipart': 'A', 'upload-part': 'A', 'complete-multipart': 'A', 'delete': 'A',
    'get': 'B', 'head': 'B',
    'list': 'C',
  },
  hiddenVersionDays: 1,
  allowanceShare: 1,
};

export type CallsByClass = Record<TransactionClass, number>;

export function callsByClass(calls: Partial<Record<MeteredOperation, number>>, prices: PriceTable): CallsByClass {
  const out: CallsByClass = { A: 0, B: 0, C: 0 };
  for (const op of METERED_OPERATIONS) out[prices.operationClass[op]] += calls[op] ?? 0;
  return out;
}

/** What one UTC day's calls and downloads cost, each free allowance applied to that day alone. */
export interface DayCharges {
  calls: CallsByClass;
  callsUsd: CallsByClass;
  egressBytes: number;
  egressUsd: number;
  totalUsd: number;
}

export function dayCharges(day: DayUsage, prices: PriceTable): DayCharges {
  const calls = callsByClass(day.calls, prices);
  const callsUsd: CallsByClass = { A: 0, B: 0, C: 0 };
  for (const c of TRANSACTION_CLASSES) {
    const p = prices.classes[c];
    const billable = Math.max(0, calls[c] - p.freeCallsPerDay * prices.allowanceShare);
    callsUsd[c] = (billable / p.perCalls) * p.usd;
  }
  const freeEgress = prices.egress.freeGBPerDay * GB * prices.allowanceShare;
  const egressUsd = (Math.max(0, day.bytesDown - freeEgress) / GB) * prices.egress.usdPerGB;
  return { calls, callsUsd, egressBytes: day.bytesDown, egressUsd, totalUsd: callsUsd.A + callsUsd.B + callsUsd.C + egressUsd };
}

/**
 * Storage charge for `gbMonths` GB-months (average stored GB × fraction of the month covered).
 * `monthFraction` scales the free allowance for a part of a month.
 */
export function storageUsd(gbMonths: number, prices: PriceTable, monthFraction = 1): number {
  const free = prices.storage.freeGB * prices.allowanceShare * monthFraction;
  return Math.max(0, gbMonths - free) * (prices.storage.usdPerTBMonth / 1000);
}

/** Dollars per GB-month beyond the free allowance: the slope thinning saves along. */
export function usdPerGBMonth(prices: PriceTable): number {
  return prices.storage.usdPerTBMonth / 1000;
}

/** The defaults with a user's partial table (`--prices FILE`) laid over them; every problem listed. */
export function parsePrices(json: unknown, source: string, base: PriceTable = B2_PRICES): PriceTable {
  const checked = checkSchema(priceFile, json);
  if (!checked.ok) {
    throw schemaError(source, checked.problems, {
      code: 'prices-invalid', what: 'a price table', exitCode: ExitCode.usage,
      hint: 'give only the fields to change, e.g. { "storage": { "usdPerTBMonth": 7 } }; see `panther cost --help`',
    });
  }
  const file = checked.value;
  const out: PriceTable = structuredClone(base);
  if (file.provider !== undefined) out.provider = file.provider;
  Object.assign(out.storage, file.storage);
  Object.assign(out.egress, file.egress);
  for (const c of TRANSACTION_CLASSES) Object.assign(out.classes[c], file.classes?.[c]);
  Object.assign(out.operationClass, file.operationClass);
  if (file.hiddenVersionDays !== undefined) out.hiddenVersionDays = file.hiddenVersionDays;
  if (file.allowanceShare !== undefined) out.allowanceShare = file.allowanceShare;
  return out;
}
