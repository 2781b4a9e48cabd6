// A fleet to simulate: hosts with their data, change rates, retention, windows and caps. The default
// is the specification's five hosts: retention, window, cap and budget come from the built-in
// profiles; how much data each host really holds and how fast it changes are nowhere in the spec,
// so they are ASSUMPTIONS, named below and replaceable with `--fleet FILE`.
import { PantherError, ExitCode } from '../core/errors.ts';
import { openZone } from '../core/local-time.ts';
import { backupWindows } from '../plan/backup-window.ts';
import { loadBuiltinProfiles } from '../plan/builtin-profiles.ts';
import type { BackupWindow } from '../plan/types.ts';
import type { TierCounts } from './keep-points.ts';

export interface FleetHost {
  name: string;
  /** Data that is backed up, decimal GB: used space, not the disk size. */
  usedGB: number;
  /** Fraction of the data rewritten per day. */
  dailyChange: number;
  /** Fraction of the data the daily rewrites fall on (default: the fleet's). */
  hotFraction?: number;
  /** Growth of the data per month, as a fraction (compounded; default 0). */
  growthPerMonth?: number;
  retention: TierCounts;
  window: BackupWindow;
  /** The host starts this much after the window opens and stops with it (plan backup.staggerMinutes). */
  staggerMinutes?: number;
  /** IANA zone the window's times are in (the inventory's timezone); default UTC. */
  timezone?: string;
  bandwidthBitsPerSecond: number;
  budgetUsd?: number;
  /** Where the numbers come from, for the report. */
  note?: string;
}

export interface Fleet {
  /** The account's monthly budget (every host's bill together). */
  budgetUsd: number;
  /** Stored / raw bytes after zstd, both approaches. */
  compression: number;
  /** Unique / logical bytes within one host's data, our repository only (the raw way has no dedup). */
  dedup: number;
  hotFraction: number;
  maxChain: number;
  /** Share of the cap that carries payload (TLS/HTTP overhead, retries); 1 = the ceiling. */
  linkEfficiency: number;
  /** Class B and C calls per host per nightly run (the index cache keeps them low). */
  callsPerRun: { B: number; C: number };
  hosts: FleetHost[];
}

/** The assumed data per spec host (used, not disk sizes). */
export const ASSUMED_DATA: Record<string, { usedGB: number; dailyChange: number; note: string }> = {
  zephyrus: { usedGB: 600, dailyChange: 0.01, note: '600 GB used of 3 TB (2 TB + 1 TB NVMe); /nix, caches, /tmp, swap not backed up; 1 %/day' },
  yoga: { usedGB: 150, dailyChange: 0.01, note: '150 GB used (disk size not in the spec); 1 %/day' },
  hetzner: { usedGB: 120, dailyChange: 0.02, note: '120 GB used of 458 GB; PostgreSQL/Redis rewrite pages: 2 %/day' },
  contabo: { usedGB: 80, dailyChange: 0.005, note: '80 GB used of 536 GB; staging: 0.5 %/day' },
  ovh: { usedGB: 40, dailyChange: 0.005, note: '40 GB used of 200 GB; utility: 0.5 %/day' },
};

/** Ratios assumed for every host unless a fleet file says otherwise. */
export const ASSUMED_RATIOS = {
  compression: 0.7,
  dedup: 0.9,
  hotFraction: 0.25,
  why: 'zstd on mixed home/dev/database data ≈ 0.6–0.75; duplicate files and blocks inside one host ≈ 10 %; daily rewrites fall on a quarter of the data (same files, hot tables)',
} as const;

export function defaultFleet(): Fleet {
  const profiles = loadBuiltinProfiles();
  const hosts: FleetHost[] = [];
  for (const [name, data] of Object.entries(ASSUMED_DATA)) {
    const p = profiles.find((x) => x.specHost === name);
    if (p === undefined) continue;
    hosts.push({
      name, usedGB: data.usedGB, dailyChange: data.dailyChange, note: data.note,
      retention: { daily: p.retention.daily, weekly: p.retention.weekly, monthly: p.retention.monthly, yearly: p.retention.yearly ?? 0 },
      window: { ...p.backup.window },
      bandwidthBitsPerSecond: p.backup.bandwidthBitsPerSecond,
      budgetUsd: p.backup.monthlyBudgetUsd,
    });
  }
  return {
    budgetUsd: 10,
    compression: ASSUMED_RATIOS.compression,
    dedup: ASSUMED_RATIOS.dedup,
    hotFraction: ASSUMED_RATIOS.hotFraction,
    maxChain: 14,
    linkEfficiency: 1,
    callsPerRun: { B: 20, C: 10 },
    hosts,
  };
}

type Json = Record<string, unknown>;

/**
 * A fleet file over the defaults: top-level fields replace the fleet's; `hosts`, when given, replaces
 * the host list. A host named like a spec host inherits that host's defaults field by field.
 */
export function parseFleet(json: unknown, source: string): Fleet {
  const base = defaultFleet();
  const problems: string[] = [];
  if (!isObject(json)) throw invalid(source, ['the file must hold a JSON object']);
  const out: Fleet = { ...base, callsPerRun: { ...base.callsPerRun } };
  const fractions = ['compression', 'dedup', 'hotFraction', 'linkEfficiency'] as const;
  for (const key of fractions) {
    if (json[key] === undefined) continue;
    if (!isNumber(json[key]) || json[key] <= 0 || json[key] > 1) problems.push(`${key}: a number in (0, 1]`);
    else out[key] = json[key];
  }
  if (json['budgetUsd'] !== undefined) {
    if (!isNumber(json['budgetUsd']) || json['budgetUsd'] < 0) problems.push('budgetUsd: a number ≥ 0');
    else out.budgetUsd = json['budgetUsd'];
  }
  if (json['maxChain'] !== undefined) {
    if (!Number.isInteger(json['maxChain']) || (json['maxChain'] as number) < 1) problems.push('maxChain: a whole number ≥ 1');
    else out.maxChain = json['maxChain'] as number;
  }
  if (json['callsPerRun'] !== undefined) {
    const c = json['callsPerRun'];
    if (!isObject(c) || Object.entries(c).some(([k, v]) => !['B', 'C'].includes(k) || !isNumber(v) || v < 0)) problems.push('callsPerRun: { "B": n, "C": n } with n ≥ 0');
    else out.callsPerRun = { ...out.callsPerRun, ...(c as { B?: number; C?: number }) };
  }
  const known = new Set(['$comment', 'budgetUsd', 'compression', 'dedup', 'hotFraction', 'maxChain', 'linkEfficiency', 'callsPerRun', 'hosts']);
  for (const key of Object.keys(json)) if (!known.has(key)) problems.push(`${key}: unknown field`);
  if (json['hosts'] !== undefined) {
    if (!Array.isArray(json['hosts']) || json['hosts'].length === 0) problems.push('hosts: a non-empty list');
    else out.hosts = json['hosts'].map((h, i) => parseHost(h, `hosts[${i}]`, base.hosts, problems));
  }
  if (problems.length > 0) throw invalid(source, problems);
  return out;
}

function parseHost(h: unknown, at: string, defaults: FleetHost[], problems: string[]): FleetHost {
  if (!isObject(h)) { problems.push(`${at}: must be an object`); return defaults[0]!; }
  const name = typeof h['name'] === 'string' ? h['name'] : '';
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(name)) problems.push(`${at}.name: a host name (lower-case letters, digits, "-")`);
  const d = defaults.find((x) => x.name === name);
  const num = (key: string, min: number, max: number, fallback: number | undefined): number => {
    const v = h[key];
    if (v === undefined) {
      if (fallback === undefined) problems.push(`${at}.${key}: missing (only the spec's hosts have defaults)`);
      return fallback ?? 0;
    }
    if (!isNumber(v) || v < min || v > max) { problems.push(`${at}.${key}: a number from ${min} to ${max}`); return fallback ?? 0; }
    return v;
  };
  const retention = parseTiers(h['retention'], `${at}.retention`, d?.retention, problems);
  const window = h['window'] === undefined ? d?.window : h['window'];
  if (!isObject(window) || typeof window['weekdays'] !== 'string' || typeof window['weekends'] !== 'string') {
    problems.push(`${at}.window: { "weekdays": "HH:MM-HH:MM", "weekends": "HH:MM-HH:MM" }`);
  }
  const host: FleetHost = {
    name,
    usedGB: num('usedGB', 0, 1e6, d?.usedGB),
    dailyChange: num('dailyChange', 0, 1, d?.dailyChange),
    retention,
    window: (isObject(window) ? window : { weekdays: '02:00-05:00', weekends: '02:00-06:00' }) as unknown as BackupWindow,
    bandwidthBitsPerSecond: num('bandwidthBitsPerSecond', 1, 1e12, d?.bandwidthBitsPerSecond ?? 10_000_000),
  };
  for (const [key, min, max] of [['hotFraction', 0.0001, 1], ['growthPerMonth', 0, 10], ['staggerMinutes', 0, 1439], ['budgetUsd', 0, 1e6]] as const) {
    if (h[key] !== undefined) host[key] = num(key, min, max, undefined);
  }
  if (h['timezone'] !== undefined) {
    if (typeof h['timezone'] === 'string' && timezoneKnown(h['timezone'])) host.timezone = h['timezone'];
    else problems.push(`${at}.timezone: an IANA time zone name such as "Europe/Berlin" or "UTC"`);
  }
  // The backup engine's window rules: a stagger that leaves no time is refused, not counted as 0 hours.
  if (isObject(window) && typeof window['weekdays'] === 'string' && typeof window['weekends'] === 'string') {
    try { backupWindows(host.window, host.staggerMinutes ?? 0, at); } catch (error) { problems.push((error as Error).message); }
  }
  if (host.budgetUsd === undefined && d?.budgetUsd !== undefined) host.budgetUsd = d.budgetUsd;
  if (typeof h['note'] === 'string') host.note = h['note'];
  else if (d?.note !== undefined && h['usedGB'] === undefined && h['dailyChange'] === undefined) host.note = d.note;
  return host;
}

function parseTiers(value: unknown, at: string, fallback: TierCounts | undefined, problems: string[]): TierCounts {
  if (value === undefined) {
    if (fallback === undefined) problems.push(`${at}: missing, e.g. { "daily": 7, "weekly": 4, "monthly": 12 }`);
    return fallback ?? { daily: 7, weekly: 4, monthly: 12, yearly: 0 };
  }
  if (!isObject(value)) { problems.push(`${at}: an object of tier counts`); return fallback ?? { daily: 7, weekly: 4, monthly: 12, yearly: 0 }; }
  const out: TierCounts = { daily: 0, weekly: 0, monthly: 0, yearly: 0 };
  for (const [k, v] of Object.entries(value)) {
    if (!(k in out)) problems.push(`${at}.${k}: unknown tier (daily, weekly, monthly, yearly)`);
    else if (!Number.isInteger(v) || (v as number) < 0) problems.push(`${at}.${k}: a whole number ≥ 0`);
    else out[k as keyof TierCounts] = v as number;
  }
  return out;
}

function timezoneKnown(zone: string): boolean {
  try { openZone(zone); return true; } catch { return false; }
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(source: string, problems: string[]): PantherError {
  return new PantherError('fleet-invalid', `${source}: ${problems.length} problem(s) in the fleet:\n  ${problems.join('\n  ')}`, {
    subject: source, exitCode: ExitCode.usage, details: { problems },
    hint: 'see `panther cost simulate --help` for the shape; `--json` prints the default fleet under "fleet"',
  });
}
