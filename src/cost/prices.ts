// The object store's price list as data, and the arithmetic that applies it. Defaults are Backblaze
// B2's list prices (shared knowledge docs/knowledge/backblaze-b2.md §1, third-party 2026 pages: check
// backblaze.com/cloud-storage/pricing before quoting them); `--prices FILE` replaces any field.
//
// Units: B2 sells decimal units (1 GB = 10^9 bytes, 1 TB = 10^12). Free allowances for downloads and
// Class B/C calls are per UTC day and do not carry over, so charges are computed day by day and then
// summed, never from a month's total. Storage is billed on the month's average (byte-hours), with the
// first 10 GB free.
import { PantherError, ExitCode } from '../core/errors.ts';
import { METERED_OPERATIONS, type DayUsage, type MeteredOperation } from '../repo/backend/metered.ts';

export const TRANSACTION_CLASSES = ['A', 'B', 'C'] as const;
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

type Json = Record<string, unknown>;

/** The defaults with a user's partial table (`--prices FILE`) laid over them; every problem listed. */
export function parsePrices(json: unknown, source: string, base: PriceTable = B2_PRICES): PriceTable {
  const problems: string[] = [];
  if (!isObject(json)) throw invalid(source, ['the file must hold a JSON object']);
  const out: PriceTable = structuredClone(base);
  const known = new Set(['$comment', 'provider', 'storage', 'egress', 'classes', 'operationClass', 'hiddenVersionDays', 'allowanceShare']);
  for (const key of Object.keys(json)) if (!known.has(key)) problems.push(`${key}: unknown field (known: ${[...known].filter((k) => k !== '$comment').join(', ')})`);
  if (json['provider'] !== undefined) {
    if (typeof json['provider'] === 'string') out.provider = json['provider'];
    else problems.push('provider: must be a string');
  }
  mergeNumbers(json['storage'], out.storage, 'storage', problems);
  mergeNumbers(json['egress'], out.egress, 'egress', problems);
  if (json['classes'] !== undefined) {
    if (!isObject(json['classes'])) problems.push('classes: must be an object { "A"|"B"|"C": { usd, perCalls, freeCallsPerDay } }');
    else for (const [c, v] of Object.entries(json['classes'])) {
      if (!(TRANSACTION_CLASSES as readonly string[]).includes(c)) { problems.push(`classes.${c}: unknown class (A, B or C)`); continue; }
      mergeNumbers(v, out.classes[c as TransactionClass] as unknown as Record<string, number>, `classes.${c}`, problems);
      if (out.classes[c as TransactionClass].perCalls <= 0) problems.push(`classes.${c}.perCalls: must be > 0`);
    }
  }
  if (json['operationClass'] !== undefined) {
    if (!isObject(json['operationClass'])) problems.push('operationClass: must be an object operation → "A"|"B"|"C"');
    else for (const [op, c] of Object.entries(json['operationClass'])) {
      if (!(METERED_OPERATIONS as readonly string[]).includes(op)) problems.push(`operationClass.${op}: unknown operation (${METERED_OPERATIONS.join(', ')})`);
      else if (typeof c !== 'string' || !(TRANSACTION_CLASSES as readonly string[]).includes(c)) problems.push(`operationClass.${op}: must be "A", "B" or "C"`);
      else out.operationClass[op as MeteredOperation] = c as TransactionClass;
    }
  }
  for (const key of ['hiddenVersionDays', 'allowanceShare'] as const) {
    const v = json[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) problems.push(`${key}: must be a number ≥ 0`);
    else out[key] = v;
  }
  if (out.allowanceShare > 1) problems.push('allowanceShare: must be between 0 and 1');
  if (problems.length > 0) throw invalid(source, problems);
  return out;
}

function mergeNumbers(value: unknown, into: Record<string, number>, at: string, problems: string[]): void {
  if (value === undefined) return;
  if (!isObject(value)) { problems.push(`${at}: must be an object`); return; }
  for (const [k, v] of Object.entries(value)) {
    if (!(k in into)) problems.push(`${at}.${k}: unknown field (known: ${Object.keys(into).join(', ')})`);
    else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) problems.push(`${at}.${k}: must be a number ≥ 0`);
    else into[k] = v;
  }
}

function invalid(source: string, problems: string[]): PantherError {
  return new PantherError('prices-invalid', `${source}: ${problems.length} problem(s) in the price table:\n  ${problems.join('\n  ')}`, {
    subject: source, exitCode: ExitCode.usage, details: { problems },
    hint: 'give only the fields to change, e.g. { "storage": { "usdPerTBMonth": 7 } }; see `panther cost --help`',
  });
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
