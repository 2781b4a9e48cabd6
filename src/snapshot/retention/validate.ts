// Retention input comes from the snapshot catalog and the user's policy; a wrong field must stop the
// run before anything is deleted, with every problem listed at once.
import { PantherError } from '../../core/errors.ts';
import { TIERS } from '../../plan/types.ts';
import type { RetentionItem, RetentionPolicy } from '../types.ts';

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms of a strict ISO-8601 instant with a zone designator, or null (Date.parse alone accepts 2026-02-30). */
export function parseInstant(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = ISO_INSTANT.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const daysInMonth = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return null;
  const zone = m[7]!;
  if (zone !== 'Z' && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4, 6)) > 59)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export interface CheckedInput {
  times: number[];
  now: number;
}

export function checkRetentionInput(items: RetentionItem[], policy: RetentionPolicy, now: string): CheckedInput {
  const problems = policyProblems(policy);
  const nowMs = parseInstant(now);
  if (nowMs === null) problems.push(`now: not an ISO-8601 instant: ${JSON.stringify(now)}`);
  const seen = new Map<string, number>();
  const times = items.map((item, i) => {
    const at = `items[${i}]`;
    if (typeof item.id !== 'string' || item.id === '') problems.push(`${at}.id: missing`);
    else if (seen.has(item.id)) problems.push(`${at}.id: duplicate of items[${seen.get(item.id)}] (${item.id})`);
    else seen.set(item.id, i);
    const ms = parseInstant(item.time);
    if (ms === null) problems.push(`${at}.time: not an ISO-8601 instant: ${JSON.stringify(item.time)}`);
    if (item.pinned !== undefined && typeof item.pinned !== 'boolean') problems.push(`${at}.pinned: true or false`);
    if (item.holds !== undefined && (!Array.isArray(item.holds) || item.holds.some((h) => typeof h !== 'string' || h === ''))) {
      problems.push(`${at}.holds: a list of non-empty names`);
    }
    return ms ?? 0;
  });
  if (problems.length > 0) {
    throw new PantherError('retention-invalid', `retention input is invalid (${problems.length} problem(s)):\n  ${problems.join('\n  ')}`, {
      subject: 'retention', details: { problems },
      hint: 'ids must be unique; times ISO-8601 instants such as 2026-11-24T02:00:00Z; counts whole numbers ≥ 0; timezone an IANA name such as Europe/Berlin, or null for UTC',
    });
  }
  return { times, now: nowMs ?? 0 };
}

export function policyProblems(policy: RetentionPolicy): string[] {
  const problems: string[] = [];
  const tiers = policy?.tiers;
  if (typeof tiers !== 'object' || tiers === null) return ['policy.tiers: missing'];
  for (const tier of TIERS) {
    const n = tiers[tier];
    if (!Number.isInteger(n) || n < 0) problems.push(`policy.tiers.${tier}: a whole number ≥ 0 (0 = tier off), got ${JSON.stringify(n)}`);
  }
  const minutes = tiers.frequentMinutes;
  if (minutes !== null && (!Number.isInteger(minutes) || minutes < 1)) {
    problems.push(`policy.tiers.frequentMinutes: a whole number of minutes ≥ 1 or null, got ${JSON.stringify(minutes)}`);
  } else if (minutes === null && tiers.frequent > 0) {
    problems.push('policy.tiers.frequentMinutes: required when tiers.frequent > 0');
  }
  if (policy.timezone !== null) {
    if (typeof policy.timezone !== 'string') problems.push(`policy.timezone: an IANA name or null, got ${JSON.stringify(policy.timezone)}`);
    else if (!knownTimezone(policy.timezone)) problems.push(`policy.timezone: unknown time zone "${policy.timezone}"`);
  }
  return problems;
}

function knownTimezone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
