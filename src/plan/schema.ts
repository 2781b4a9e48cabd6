// The declared shape of storage plans (plan.json) and the parts inventories and profiles share
// (input-schema.ts has those two: reading a plan, every `snapshot …` command, builds only this file's
// schemas). Shape, type, enum and range are checked here, when a file is read; lint judges whether a
// well-formed plan can work. The TypeScript types stay in types.ts / inventory.ts / profile-types.ts, and the
// SameShape assertions at the end fail the type-check when a schema and its type drift apart.
import { z } from 'zod';
import { finite, isPrototypeKey, record, shownValue, text, whole, type SameShape } from '../core/schema.ts';
import { MACHINE_KINDS } from '../facter/types.ts';
import { windowProblem } from './backup-window.ts';
import {
  BACKUP_FREQUENCIES, COMPRESSION_ALGORITHMS, WORKLOADS,
  type BackupPolicy, type HookConfig, type StoragePlan,
} from './types.ts';

// ---- values ----------------------------------------------------------------------------------------

/** Object keys that name things (hosts, subvolumes, rule ids): never a prototype key. */
export const key = (what: string) => text(what).refine((k) => !isPrototypeKey(k), { error: (i) => `${shownValue(i.input)} is a reserved word, not ${what}` });

/** One of a closed set; `instead` maps likely mistakes to the value meant ("uefi" → "esp"). */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, why = '', instead: Record<string, T[number]> = {}) =>
  z.enum(values, {
    error: (issue) => {
      const listed = values.map((v) => JSON.stringify(v));
      const expected = `expected ${listed.length > 1 ? `${listed.slice(0, -1).join(', ')} or ${listed[listed.length - 1]}` : listed[0]}${why}`;
      if (issue.input === undefined) return `missing; ${expected}`;
      const meant = typeof issue.input === 'string' && Object.hasOwn(instead, issue.input) ? instead[issue.input] : undefined;
      return `${expected}, got ${shownValue(issue.input)}${meant === undefined ? '' : `; write ${JSON.stringify(meant)}`}`;
    },
  });

const FREQUENCY_LIST = `${BACKUP_FREQUENCIES.slice(0, -1).map((f) => JSON.stringify(f)).join(', ')} or ${JSON.stringify(BACKUP_FREQUENCIES.at(-1))}`;

/**
 * A backup frequency panther backup run implements (src/backup/due.ts). Anything else used to pass
 * and was then never backed up, with every nightly run exiting 0.
 */
export const backupFrequency = z.enum(BACKUP_FREQUENCIES, { error: (issue) => frequencyProblem(issue.input) });

function frequencyProblem(value: unknown): string {
  if (typeof value !== 'string') return `${value === undefined ? 'missing' : `got ${shownValue(value)}`}; expected ${FREQUENCY_LIST}`;
  const lower = value.toLowerCase();
  const advice = (BACKUP_FREQUENCIES as readonly string[]).includes(lower)
    ? `; frequencies are lower-case: write ${JSON.stringify(lower)}`
    : /hour|minute|frequent|often/.test(lower)
      ? '; backups run once a night, so nothing more often than "daily" exists: use "daily" and let the hourly/frequent snapshot tiers cover the RPO between backups'
      : '';
  return `${shownValue(value)} is not a backup frequency; expected ${FREQUENCY_LIST} (what panther backup run implements: any other value would never be backed up)${advice}`;
}

export const workload = oneOf(WORKLOADS);
export const compression = oneOf(COMPRESSION_ALGORITHMS, ' (the btrfs compression property)');
export const calendar = text('a systemd OnCalendar expression');

function knownTimeZone(zone: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** An IANA zone name the runtime knows (the snapshot and backup engines compute in it via Intl). */
export const timeZone = text('an IANA time zone name').check((ctx) => {
  const zone = ctx.value;
  const resolved = /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone) ? knownTimeZone(zone) : null;
  if (resolved === null) {
    ctx.issues.push({ code: 'custom', input: zone, message: `${shownValue(zone)} is not a time zone this system knows; use an IANA name such as "Europe/Berlin" or "UTC"` });
  } else if (resolved !== zone && resolved.toLowerCase() === zone.toLowerCase()) {
    ctx.issues.push({ code: 'custom', input: zone, message: `time zone names are case-sensitive (systemd reads them as file names): write ${JSON.stringify(resolved)}` });
  }
});

/** "HH:MM-HH:MM" local time, judged by the one window parser (backup-window.ts). */
export const windowText = z.string({ error: (i) => `${i.input === undefined ? 'missing' : `got ${shownValue(i.input)}`}; expected a window "HH:MM-HH:MM"` })
  .check((ctx) => {
    const problem = windowProblem(ctx.value);
    if (problem !== null) ctx.issues.push({ code: 'custom', input: ctx.value, message: problem });
  });

export const backupWindow = z.strictObject({ weekdays: windowText, weekends: windowText });

export const backupPolicyShape = {
  window: backupWindow,
  staggerMinutes: whole(0, 1439, 'whole minutes from 0 to 1439'),
  bandwidthBitsPerSecond: finite(0, 1e15, 'bits per second ≥ 0 (0 = no cap)'),
  monthlyBudgetUsd: finite(0, 1e9, 'US dollars ≥ 0'),
};
export const backupPolicy = z.strictObject(backupPolicyShape);

export const objectives = z.strictObject({
  rpoMinutes: whole(1, 525_600, 'whole minutes ≥ 1'),
  rtoMinutes: whole(1, 525_600, 'whole minutes ≥ 1'),
});

const hookBase = {
  failMode: oneOf(['closed', 'open'] as const),
  timeoutSeconds: finite(0.001, 86_400, 'seconds > 0'),
};
const port = whole(1, 65_535, 'a TCP port');
export const hookConfig = z.discriminatedUnion('type', [
  z.strictObject({ ...hookBase, type: z.literal('postgres'), host: text().optional(), port: port.optional(), user: text().optional(), database: text().optional() }),
  z.strictObject({ ...hookBase, type: z.literal('redis'), host: text().optional(), port: port.optional(), socket: text().optional(), mode: oneOf(['save', 'bgsave'] as const), passwordFile: text().optional() }),
  z.strictObject({ ...hookBase, type: z.literal('podman'), containers: z.array(text('a container name')).optional() }),
  z.strictObject({ ...hookBase, type: z.literal('command'), name: text('a hook name'), before: z.array(z.string()).min(1), after: z.array(z.string()).optional() }),
], { error: (i) => `hook type ${shownValue((i.input as { type?: unknown } | undefined)?.type)}: expected "postgres", "redis", "podman" or "command"` });

export const compressionLevel = whole(-15, 15, 'a compression level from -15 to 15').nullable();
export const options = z.array(text('a mount option'));

// ---- the storage plan ----------------------------------------------------------------------------

export const count = whole(0, 1_000_000, 'a count ≥ 0');
const snapshotTiers = z.strictObject({
  frequentMinutes: whole(1, 1440, 'minutes from 1 to 1440').nullable(),
  frequent: count, hourly: count, daily: count, weekly: count, monthly: count, yearly: count,
});

const subvolumePlan = z.strictObject({
  name: text('a subvolume name'),
  mountPoint: text('an absolute path').nullable(),
  workload,
  cow: z.boolean(),
  compression,
  compressionLevel,
  mountOptions: options,
  requestedMountOptions: options,
  snapshots: snapshotTiers.nullable(),
  backup: backupFrequency,
  critical: z.boolean(),
  swapfile: z.strictObject({ path: text('a file name'), sizeBytes: whole(1, Number.MAX_SAFE_INTEGER, 'bytes > 0') }).nullable(),
  hooks: z.array(hookConfig).optional(),
});

export const bytes = whole(0, Number.MAX_SAFE_INTEGER, 'bytes ≥ 0');
const poolPlan = z.strictObject({
  name: text('a pool name'),
  device: text('a device path'),
  deviceSizeBytes: bytes,
  label: text('a filesystem label'),
  boot: oneOf(['esp', 'bios', 'hybrid', 'none'] as const, ' (esp = UEFI system partition, bios = BIOS boot partition, hybrid = both)', { uefi: 'esp', efi: 'esp', legacy: 'bios' }),
  espSizeBytes: bytes,
  filesystemOptions: options,
  snapshotLocation: z.strictObject({ pool: text('a pool name'), subvolume: text('a subvolume name') }).nullable(),
  subvolumes: z.array(subvolumePlan),
});

export const storagePlan = z.strictObject({
  version: z.literal(1, { error: (i) => `expected 1 (the only plan format), got ${shownValue(i.input)}` }),
  host: text('a host name'),
  profile: text('a profile id'),
  profileSource: oneOf(['inventory', 'detected', 'flag'] as const),
  machine: oneOf(MACHINE_KINDS),
  firmware: oneOf(['uefi', 'bios', 'unknown'] as const),
  user: text('a user name'),
  pools: z.array(poolPlan).min(1, { error: 'expected at least one pool' }),
  snapshots: z.strictObject({
    schedule: z.strictObject({ frequent: calendar.nullable(), hourly: calendar.nullable(), daily: calendar, weekly: calendar, monthly: calendar }),
    timezone: timeZone.nullable(),
  }),
  backup: backupPolicy,
  objectives,
  acknowledged: record(key('a lint rule id'), z.string()).default({}),
});

// ---- schemas and types agree ---------------------------------------------------------------------

export const PLAN_SCHEMA_MATCHES: SameShape<z.output<typeof storagePlan>, StoragePlan> = true;
export const BACKUP_SCHEMA_MATCHES: SameShape<z.output<typeof backupPolicy>, BackupPolicy> = true;
export const HOOK_SCHEMA_MATCHES: SameShape<z.output<typeof hookConfig>, HookConfig> = true;
