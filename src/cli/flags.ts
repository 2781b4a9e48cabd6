// Every numeric and time flag is read here, typed, and refused (exit 2) when it is not what it says:
// `Number("abc")` is NaN, and a NaN wait never reaches its deadline, a NaN chain limit is never
// exceeded. Each error names the flag, what was typed and the form expected.
import { usageError } from '../core/errors.ts';
import { parseBandwidth } from '../repo/backend/limit-rate.ts';
import { str, type Values } from './command.ts';

const WHOLE = /^\d+$/;
const DECIMAL = /^\d+(\.\d+)?$/;

function bad(key: string, text: string, expected: string, example: string): never {
  throw usageError(`--${key} ${text}: expected ${expected}`, `e.g. --${key} ${example}`);
}

/** A whole number in [min, max] (max default: unbounded), or undefined when the flag is absent. */
export function wholeFlag(values: Values, key: string, range: { min?: number; max?: number; example?: string } = {}): number | undefined {
  const text = str(values, key);
  if (text === undefined) return undefined;
  const min = range.min ?? 0;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const n = Number(text);
  const expected = range.max === undefined ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${max}`;
  if (!WHOLE.test(text) || !Number.isSafeInteger(n) || n < min || n > max) bad(key, text, expected, range.example ?? String(Math.max(min, 1)));
  return n;
}

/** A decimal number ≥ 0 (dollars, for instance), or undefined. */
export function amountFlag(values: Values, key: string, what: string, example: string): number | undefined {
  const text = str(values, key);
  if (text === undefined) return undefined;
  if (!DECIMAL.test(text) || !Number.isFinite(Number(text))) bad(key, text, `${what} ≥ 0`, example);
  return Number(text);
}

/** Seconds (decimals allowed) as milliseconds; `fallback` seconds when absent. */
export function secondsFlag(values: Values, key: string, fallback: number): number {
  const text = str(values, key);
  if (text === undefined) return fallback * 1000;
  if (!DECIMAL.test(text) || !Number.isFinite(Number(text))) bad(key, text, 'a number of seconds ≥ 0', '120');
  return Number(text) * 1000;
}

/** A percentage from 0 to 100, "%" allowed; 0 when absent. */
export function percentFlag(values: Values, key: string): number {
  const text = str(values, key);
  if (text === undefined) return 0;
  const n = Number(text.replace(/%$/, ''));
  if (!DECIMAL.test(text.replace(/%$/, '')) || !(n >= 0 && n <= 100)) bad(key, text, 'a percentage from 0 to 100', '10');
  return n;
}

// A date, optionally with a time: what `new Date()` reads the same in every engine. "2026-13-45" and
// "tomorrow" are refused; a time without a zone is the machine's local time.
const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO-8601 instant, normalised to UTC (`…Z`), or undefined. */
export function timeFlag(values: Values, key: string): string | undefined {
  const text = str(values, key);
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (!ISO.test(text) || Number.isNaN(ms)) bad(key, text, 'an ISO-8601 time', '2026-11-24T02:00:00Z');
  return new Date(ms).toISOString();
}

/** A month "YYYY-MM", or undefined. */
export function monthFlag(values: Values, key: string): string | undefined {
  const text = str(values, key);
  if (text === undefined) return undefined;
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(text)) bad(key, text, 'a month YYYY-MM', '2027-01');
  return text;
}

/** A bandwidth (10Mbit, 1.25MB/s, unlimited → null); undefined when absent. */
export function bandwidthFlag(values: Values, key: string): number | null | undefined {
  const text = str(values, key);
  return text === undefined ? undefined : parseBandwidth(text, `--${key}`);
}

/** One of a fixed set of words, or undefined. */
export function choiceFlag<T extends string>(values: Values, key: string, choices: readonly T[]): T | undefined {
  const text = str(values, key);
  if (text === undefined) return undefined;
  if (!(choices as readonly string[]).includes(text)) bad(key, text, choices.join(' or '), choices[0]!);
  return text as T;
}
