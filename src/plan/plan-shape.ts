// A plan that is exactly well-formed, recognised without zod. Every `panther snapshot …` command
// reads the plan (`snapshot run` every 15 minutes, `snapshot list` by hand), and loading zod was
// most of such a command's start-up (issue 16). This answers only "well-formed: here is the plan",
// or "not sure": then schema.ts's zod schema reads the plan and says what is wrong in the usual words
// (read-plan.ts). So it may refuse more than the schema but never accept what the schema refuses,
// and what it accepts is the value the schema gives; plan-shape.test.ts holds it to both, value by
// value. A change to schema.ts needs the same change here (the test fails until it has one).
import { MACHINE_KINDS } from '../facter/types.ts';
import { windowProblem } from './backup-window.ts';
import { BACKUP_FREQUENCIES, COMPRESSION_ALGORITHMS, WORKLOADS, type StoragePlan } from './types.ts';

type Check = (value: unknown) => boolean;

const CONTROL = /[\x00-\x1f\x7f]/;
const isPrototypeKey = (key: string): boolean => key === '__proto__' || key === 'constructor' || key === 'prototype';

const text: Check = (v) => typeof v === 'string' && v.length > 0 && !CONTROL.test(v);
const key: Check = (v) => text(v) && !isPrototypeKey(v as string);
const bool: Check = (v) => typeof v === 'boolean';
const anyString: Check = (v) => typeof v === 'string';
const oneOf = (values: readonly string[]): Check => (v) => typeof v === 'string' && values.includes(v);
const finite = (min: number, max = Number.MAX_SAFE_INTEGER): Check => (v) => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const whole = (min: number, max = Number.MAX_SAFE_INTEGER): Check => (v) => finite(min, max)(v) && Number.isSafeInteger(v);
const nullable = (check: Check): Check => (v) => v === null || check(v);
const list = (item: Check, min = 0): Check => (v) => Array.isArray(v) && v.length >= min && v.every(item);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** z.strictObject: exactly these keys (optional ones may be absent, never present as undefined). */
function strict(required: Record<string, Check>, optional: Record<string, Check> = {}): Check {
  return (v) => {
    if (!isPlainObject(v)) return false;
    for (const k of Object.keys(v)) {
      const check = Object.hasOwn(required, k) ? required[k] : Object.hasOwn(optional, k) ? optional[k] : undefined;
      if (check === undefined || !check(v[k])) return false;
    }
    return Object.keys(required).every((k) => Object.hasOwn(v, k));
  };
}

function knownTimeZone(zone: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

const timeZone: Check = (v) => {
  if (!text(v)) return false;
  const zone = v as string;
  const resolved = /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone) ? knownTimeZone(zone) : null;
  return resolved !== null && !(resolved !== zone && resolved.toLowerCase() === zone.toLowerCase());
};

const windowText: Check = (v) => typeof v === 'string' && windowProblem(v) === null;
const options = list(text);
const count = whole(0, 1_000_000);
const bytes = whole(0, Number.MAX_SAFE_INTEGER);
const port = whole(1, 65_535);

const hookBase = { failMode: oneOf(['closed', 'open']), timeoutSeconds: finite(0.001, 86_400) };
const HOOKS: Record<string, Check> = {
  postgres: strict({ ...hookBase, type: anyString }, { host: text, port, user: text, database: text }),
  redis: strict({ ...hookBase, type: anyString, mode: oneOf(['save', 'bgsave']) }, { host: text, port, socket: text, passwordFile: text }),
  podman: strict({ ...hookBase, type: anyString }, { containers: list(text) }),
  command: strict({ ...hookBase, type: anyString, name: text, before: list(anyString, 1) }, { after: list(anyString) }),
};
const hook: Check = (v) => isPlainObject(v) && typeof v['type'] === 'string' && Object.hasOwn(HOOKS, v['type']) && HOOKS[v['type']]!(v);

const snapshotTiers = strict({
  frequentMinutes: nullable(whole(1, 1440)),
  frequent: count, hourly: count, daily: count, weekly: count, monthly: count, yearly: count,
});

const subvolume = strict({
  name: text, mountPoint: nullable(text), workload: oneOf(WORKLOADS), cow: bool, compression: oneOf(COMPRESSION_ALGORITHMS),
  compressionLevel: nullable(whole(-15, 15)), mountOptions: options, requestedMountOptions: options,
  snapshots: nullable(snapshotTiers), backup: oneOf(BACKUP_FREQUENCIES), critical: bool,
  swapfile: nullable(strict({ path: text, sizeBytes: whole(1, Number.MAX_SAFE_INTEGER) })),
}, { hooks: list(hook) });

const pool = strict({
  name: text, device: text, deviceSizeBytes: bytes, label: text, boot: oneOf(['esp', 'bios', 'hybrid', 'none']), espSizeBytes: bytes,
  filesystemOptions: options, snapshotLocation: nullable(strict({ pool: text, subvolume: text })), subvolumes: list(subvolume),
});

const calendar = text;
const acknowledged: Check = (v) => isPlainObject(v) && Object.keys(v).every((k) => key(k) && typeof v[k] === 'string');

const plan = strict({
  version: (v) => v === 1,
  host: text, profile: text, profileSource: oneOf(['inventory', 'detected', 'flag']), machine: oneOf(MACHINE_KINDS),
  firmware: oneOf(['uefi', 'bios', 'unknown']), user: text,
  pools: list(pool, 1),
  snapshots: strict({
    schedule: strict({ frequent: nullable(calendar), hourly: nullable(calendar), daily: calendar, weekly: calendar, monthly: calendar }),
    timezone: nullable(timeZone),
  }),
  backup: strict({
    window: strict({ weekdays: windowText, weekends: windowText }),
    staggerMinutes: whole(0, 1439), bandwidthBitsPerSecond: finite(0, 1e15), monthlyBudgetUsd: finite(0, 1e9),
  }),
  objectives: strict({ rpoMinutes: whole(1, 525_600), rtoMinutes: whole(1, 525_600) }),
}, { acknowledged });

/** The plan when `data` is a well-formed plan (a copy, defaults filled in as the schema does); undefined when not sure. */
export function wellFormedPlan(data: unknown): StoragePlan | undefined {
  if (!plan(data)) return undefined;
  const copy = structuredClone(data) as StoragePlan & { acknowledged?: Record<string, string> };
  return (copy.acknowledged === undefined ? { ...copy, acknowledged: {} } : copy) as StoragePlan;
}
