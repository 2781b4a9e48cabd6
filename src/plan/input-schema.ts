// The declared shape of inventories and profiles (built-in and a user's --profiles file), from the
// parts schema.ts shares with the storage plan. Apart from it so that reading a plan does not build
// these. The SameShape assertions at the end fail the type-check when a schema and its type drift.
import { z } from 'zod';
import { finite, record, shownValue, text, whole, type SameShape } from '../core/schema.ts';
import { MACHINE_KINDS, TRANSPORTS } from '../facter/types.ts';
import type { Inventory, InventoryEntry } from './inventory.ts';
import type { ProfileDef } from './profile-types.ts';
import {
  backupFrequency, backupPolicy, backupPolicyShape, backupWindow, bytes, calendar, compression, compressionLevel,
  count, hookConfig, key, objectives, oneOf, options, timeZone, workload,
} from './schema.ts';

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

export const INVENTORY_SCHEMA_MATCHES: SameShape<z.output<typeof inventory>, Inventory> = true;
export const INVENTORY_ENTRY_SCHEMA_MATCHES: SameShape<z.output<typeof inventoryEntry>, InventoryEntry> = true;
export const PROFILE_SCHEMA_MATCHES: SameShape<z.output<typeof profile>, ProfileDef> = true;
