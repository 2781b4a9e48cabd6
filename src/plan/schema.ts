// The declared shape of every plan-level input: storage plans (plan.json), inventories and profiles.
// Shape, type, enum and range are checked here, when a file is read; lint judges whether a well-formed
// plan can work. The TypeScript types stay in types.ts / inventory.ts / profile-types.ts, and the
// SameShape assertions at the end fail the type-check when a schema and its type drift apart.
import { z } from 'zod';
import { finite, isPrototypeKey, record, shownValue, text, whole, type SameShape } from '../core/schema.ts';
import { MACHINE_KINDS, TRANSPORTS } from '../facter/types.ts';
import { windowProblem } from './backup-window.ts';
import type { Inventory, InventoryEntry } from './inventory.ts';
import type { ProfileDef } from './profile-types.ts';
import {
  BACKUP_FREQUENCIES, COMPRESSION_ALGORITHMS, WORKLOADS,
  type BackupPolicy, type HookConfig, type StoragePlan,
} from './types.ts';

// ---- values ----------------------------------------------------------------------------------------

/** Object keys that name things (hosts, subvolumes, rule ids): never a prototype key. */
const key = (what: string) => text(what).refine((k) => !isPrototypeKey(k), { error: (i) => `${shownValue(i.input)} is a reserved word, not ${what}` });

/** One of a closed set; `instead` maps likely mistakes to the value meant ("uefi" → "esp"). */
const oneOf = <const T extends readonly [string, ...string[]]>(values: T, why = '', instead: Record<string, T[number]> = {}) =>
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
const calendar = text('a systemd OnCalendar expression');

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

const backupWindow = z.strictObject({ weekdays: windowText, weekends: windowText });

const backupPolicyShape = {
  window: backupWindow,
  staggerMinutes: whole(0, 1439, 'whole minutes from 0 to 1439'),
  bandwidthBitsPerSecond: finite(0, 1e15, 'bits per second ≥ 0 (0 = no cap)'),
  monthlyBudgetUsd: finite(0, 1e9, 'US dollars ≥ 0'),
};
export const backupPolicy = z.strictObject(backupPolicyShape);

const objectives = z.strictObject({
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

const compressionLevel = whole(-15, 15, 'a compression level from -15 to 15').nullable();
const options = z.array(text('a mount option'));

// ---- the storage plan ----------------------------------------------------------------------------

const count = whole(0, 1_000_000, 'a count ≥ 0');
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

const bytes = whole(0, Number.MAX_SAFE_INTEGER, 'bytes ≥ 0');
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

// ---- the inventory -------------------------------------------------------------------------------

/** JSON has no comments; a top-level "$comment" string is the usual stand-in. */
const comment = z.string().optional();

const UNIX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
/** Host names become labels, unit names and repository prefixes. */
export const HOST_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

const subvolumeOverride = z.strictObject({
  mountPoint: text('an absolute path').nullable().optional(),
  cow: z.boolean().optional(),
  compression: compression.optional(),
  mountOptions: options.optional(),
  snapshot: z.boolean().optional(),
  backup: backupFrequency.optional(),
  critical: z.boolean().optional(),
});

const size = text('a size such as "8G"').refine((s) => /^\s*\d+(\.\d+)?\s*([kmgt]i?b?|b)?\s*$/i.test(s), { error: (i) => `${shownValue(i.input)} is not a size; write a number with an optional unit: 512M, 8G, 2TiB` });

const inventoryEntry = z.strictObject({
  profile: text('a profile id (panther profiles)'),
  user: z.string().regex(UNIX_USER, { error: (i) => `${shownValue(i.input)} is not a Unix user name ([a-z_][a-z0-9_-]{0,31})` }).optional(),
  timezone: timeZone.optional(),
  features: z.array(text('a feature name')).optional(),
  disks: z.array(z.strictObject({
    pool: text('a pool name').optional(),
    device: text('a device path').refine((d) => d.startsWith('/dev/'), { error: (i) => `${shownValue(i.input)} is not a device path under /dev/` }).optional(),
    sizeGB: finite(0.001, 1e6, 'decimal GB > 0').optional(),
    transport: oneOf(TRANSPORTS).optional(),
  }).refine((d) => d.device !== undefined || d.sizeGB !== undefined, {
    error: 'give "device" or "sizeGB": without either the disk cannot be found in the report',
  })).optional(),
  overrides: z.strictObject({
    subvolumes: record(key('a subvolume name'), subvolumeOverride).optional(),
    acknowledge: record(key('a lint rule id'), z.string()).optional(),
    swapSize: size.optional(),
    backup: z.strictObject({ ...backupPolicyShape, window: backupWindow.partial() }).partial().optional(),
    filesystemOptions: options.optional(),
  }).optional(),
});

export const inventory = z.strictObject({
  $comment: comment,
  hosts: record(
    z.string().regex(HOST_NAME, { error: (i) => `host name ${shownValue(i.input)}: use lower-case letters, digits and dashes (at most 63)` }),
    inventoryEntry,
  ),
});

// ---- profiles ------------------------------------------------------------------------------------

/** A frequent tier must be expressible as one OnCalendar line (plan-host.ts everyMinutesCalendar). */
const everyMinutes = whole(1, 1440, 'minutes from 1 to 1440').refine(
  (m) => (m < 60 && 60 % m === 0) || (m % 60 === 0 && 24 % (m / 60) === 0),
  { error: (i) => `every ${shownValue(i.input)} minutes cannot be a calendar; use a divisor of 60 (5, 10, 15, 20, 30) or of 24 hours (60, 120, 180, 240, 360, …)` },
);

const subvolumeDef = z.strictObject({
  name: text('a subvolume name'),
  mountPoint: text('an absolute path').nullable(),
  workload,
  cow: z.boolean().optional(),
  compression: compression.optional(),
  compressionLevel: compressionLevel.optional(),
  mountOptions: options.optional(),
  requestedMountOptions: options.optional(),
  snapshot: z.boolean().optional(),
  backup: backupFrequency.optional(),
  critical: z.boolean().optional(),
  feature: text('a feature name').optional(),
  swapSize: size.optional(),
  hooks: z.array(hookConfig).optional(),
});

const profileShape = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: (i) => `profile id ${shownValue(i.input)}: use lower-case letters, digits and dashes` }),
  description: z.string(),
  specHost: text('a host name').optional(),
  extends: text('a profile id').optional(),
  machine: oneOf(MACHINE_KINDS),
  match: z.strictObject({
    machine: z.array(oneOf(MACHINE_KINDS)),
    disks: z.strictObject({
      count: whole(1, 64, 'a disk count from 1 to 64'),
      transports: z.array(oneOf(TRANSPORTS)),
      minBytes: bytes,
    }),
    providers: z.array(text('a vendor name')).optional(),
    nominalSizeGB: finite(0.001, 1e6, 'decimal GB > 0').optional(),
  }),
  objectives,
  filesystemOptions: options,
  pools: z.array(z.strictObject({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, { error: (i) => `pool name ${shownValue(i.input)}: use lower-case letters, digits and dashes` }),
    disk: whole(0, 63, 'a disk index (0 = the largest)'),
    subvolumes: z.array(subvolumeDef),
  })).min(1, { error: 'expected at least one pool' }),
  retention: z.strictObject({ hourly: count.optional(), daily: count, weekly: count, monthly: count, yearly: count.optional() }),
  frequent: z.strictObject({ everyMinutes, keep: whole(1, 1_000_000, 'a count ≥ 1'), subvolumes: z.array(text('a subvolume name')) }).nullable(),
  schedule: z.strictObject({ daily: calendar, weekly: calendar, monthly: calendar }),
  backup: backupPolicy,
};

/** Names a profile refers to must exist in it: a frequent tier for a missing subvolume would be lost. */
function profileRefs(p: { pools: Array<{ subvolumes: Array<{ name: string }> }>; frequent: { subvolumes: string[] } | null }, ctx: z.core.$RefinementCtx): void {
  const names = new Set(p.pools.flatMap((pool) => pool.subvolumes.map((s) => s.name)));
  p.frequent?.subvolumes.forEach((name, i) => {
    if (!names.has(name)) {
      ctx.addIssue({ code: 'custom', path: ['frequent', 'subvolumes', i], input: name, message: `no subvolume ${shownValue(name)} in this profile; subvolumes: ${[...names].join(', ')}` });
    }
  });
}

export const profile = z.strictObject(profileShape).superRefine(profileRefs);
/** A user file's entry: a whole profile, or `extends` plus the top-level keys it replaces. */
export const profilePatch = z.strictObject(profileShape).partial().required({ id: true });
export const profilesFile = z.strictObject({ $comment: comment, profiles: z.array(profilePatch) });
export const builtinProfilesFile = z.strictObject({ $comment: comment, profiles: z.array(profile) });

// ---- schemas and types agree ---------------------------------------------------------------------

export const PLAN_SCHEMA_MATCHES: SameShape<z.output<typeof storagePlan>, StoragePlan> = true;
export const INVENTORY_SCHEMA_MATCHES: SameShape<z.output<typeof inventory>, Inventory> = true;
export const INVENTORY_ENTRY_SCHEMA_MATCHES: SameShape<z.output<typeof inventoryEntry>, InventoryEntry> = true;
export const PROFILE_SCHEMA_MATCHES: SameShape<z.output<typeof profile>, ProfileDef> = true;
export const BACKUP_SCHEMA_MATCHES: SameShape<z.output<typeof backupPolicy>, BackupPolicy> = true;
export const HOOK_SCHEMA_MATCHES: SameShape<z.output<typeof hookConfig>, HookConfig> = true;
