// Profile + hardware report (+ inventory entry) → StoragePlan. Pure: reads nothing, runs nothing.
import { parseBytes } from '../core/bytes.ts';
import { PantherError } from '../core/errors.ts';
import type { HostReport, MachineKind, Firmware } from '../facter/types.ts';
import { assignDisks } from './assign-disks.ts';
import { checkEntry } from './check-entry.ts';
import type { InventoryEntry, SubvolumeOverride } from './inventory.ts';
import type { PoolDef, ProfileDef, SubvolumeDef } from './profile-types.ts';
import type {
  BootPartition, PoolPlan, ProfileSource, SnapshotSchedule, SnapshotTiers, StoragePlan, SubvolumePlan,
} from './types.ts';
import { WORKLOAD_DEFAULTS } from './workloads.ts';

export const DEFAULT_USER = 'hbohlen';
/** Room for several kernels and initrds per generation on laptops; servers keep fewer. */
export const ESP_BYTES = { laptop: 1024 ** 3, other: 512 * 1024 ** 2 } as const;

export interface PlanInput {
  host: string;
  profile: ProfileDef;
  profileSource: ProfileSource;
  report: HostReport | null;
  entry?: InventoryEntry;
  /** The inventory file the entry came from, for error messages. */
  inventorySource?: string;
}

export function planHost(input: PlanInput): StoragePlan {
  const { host, profile, report, entry } = input;
  if (entry !== undefined) checkEntry(entry, profile, host, input.inventorySource);
  const user = entry?.user ?? DEFAULT_USER;
  const features = new Set(entry?.features ?? []);
  const overrides = entry?.overrides ?? {};
  const machine: MachineKind = report?.machine.kind ?? profile.machine;
  const firmware: Firmware = report?.machine.firmware ?? 'unknown';
  const disks = assignDisks(profile, report, entry, host);

  const pools = profile.pools.map((poolDef, index): PoolPlan => {
    const disk = disks[index]!;
    const subvolumes = poolDef.subvolumes
      .filter((def) => def.feature === undefined || features.has(def.feature))
      .map((def) => planSubvolume(def, profile, user, ownValue(overrides.subvolumes, def.name), overrides.swapSize));
    const snapshotDir = subvolumes.find((s) => s.workload === 'snapshots');
    return {
      name: poolDef.name,
      device: disk.device,
      deviceSizeBytes: disk.sizeBytes,
      label: poolLabel(host, poolDef),
      boot: index === 0 ? bootPartition(firmware, machine) : 'none',
      espSizeBytes: machine === 'laptop' ? ESP_BYTES.laptop : ESP_BYTES.other,
      filesystemOptions: [...(overrides.filesystemOptions ?? profile.filesystemOptions)],
      snapshotLocation: snapshotDir === undefined ? null : { pool: poolDef.name, subvolume: snapshotDir.name },
      subvolumes,
    };
  });

  return {
    version: 1,
    host,
    profile: profile.id,
    profileSource: input.profileSource,
    machine,
    firmware,
    user,
    pools,
    snapshots: { schedule: schedule(profile), timezone: entry?.timezone ?? null },
    backup: { ...profile.backup, ...overrides.backup, window: { ...profile.backup.window, ...overrides.backup?.window } },
    objectives: { ...profile.objectives },
    acknowledged: { ...overrides.acknowledge },
  };
}

function planSubvolume(def: SubvolumeDef, profile: ProfileDef, user: string, override: SubvolumeOverride | undefined,
  swapSize: string | undefined): SubvolumePlan {
  const defaults = WORKLOAD_DEFAULTS[def.workload];
  const serverish = profile.machine === 'laptop' ? 'laptop' : 'server';
  const snapshot = override?.snapshot ?? def.snapshot ?? defaults.snapshot;
  const mountPoint = override?.mountPoint !== undefined ? override.mountPoint : def.mountPoint;
  const size = def.workload === 'swap' ? (swapSize ?? def.swapSize ?? '4G') : null;
  return {
    name: def.name,
    mountPoint: mountPoint === null ? null : mountPoint.replaceAll('{user}', user),
    workload: def.workload,
    cow: override?.cow ?? def.cow ?? defaults.cow,
    compression: override?.compression ?? def.compression ?? defaults.compression,
    compressionLevel: def.compressionLevel ?? null,
    mountOptions: [...(override?.mountOptions ?? def.mountOptions ?? defaults.mountOptions)],
    requestedMountOptions: [...(def.requestedMountOptions ?? [])],
    snapshots: snapshot ? tiers(profile, def.name) : null,
    backup: override?.backup ?? def.backup ?? defaults.backup[serverish],
    critical: override?.critical ?? def.critical ?? false,
    swapfile: size === null ? null : { path: 'swapfile', sizeBytes: parseBytes(size, `${def.name} swap size`) },
    ...(def.hooks === undefined ? {} : { hooks: structuredClone(def.hooks) }),
  };
}

function tiers(profile: ProfileDef, subvolume: string): SnapshotTiers {
  const frequent = profile.frequent !== null && profile.frequent.subvolumes.includes(subvolume) ? profile.frequent : null;
  return {
    frequentMinutes: frequent?.everyMinutes ?? null,
    frequent: frequent?.keep ?? 0,
    hourly: profile.retention.hourly ?? 0,
    daily: profile.retention.daily,
    weekly: profile.retention.weekly,
    monthly: profile.retention.monthly,
    yearly: profile.retention.yearly ?? 0,
  };
}

function schedule(profile: ProfileDef): SnapshotSchedule {
  return {
    frequent: profile.frequent === null ? null : everyMinutesCalendar(profile.frequent.everyMinutes),
    hourly: (profile.retention.hourly ?? 0) > 0 ? '*-*-* *:00:00' : null,
    ...profile.schedule,
  };
}

/** systemd OnCalendar for "every N minutes", aligned to the hour or the day. */
export function everyMinutesCalendar(minutes: number): string {
  if (minutes < 60 && 60 % minutes === 0) return `*-*-* *:00/${minutes}:00`;
  if (minutes % 60 === 0 && 24 % (minutes / 60) === 0) return `*-*-* 00/${minutes / 60}:00:00`;
  throw new PantherError('profile-invalid', `frequent tier every ${minutes} minutes cannot be written as a calendar`, {
    hint: 'use a divisor of 60 minutes (5, 10, 15, 20, 30) or a divisor of 24 hours (60, 120, 180, 240, 360, …)',
  });
}

function bootPartition(firmware: Firmware, machine: MachineKind): BootPartition {
  if (firmware === 'uefi') return 'esp';
  if (firmware === 'bios') return 'bios';
  // Reports before nixos-facter 0.4.3 do not say. Laptops of this era boot UEFI; a VPS may be either,
  // so it gets both a BIOS boot partition and an ESP and boots whichever way the provider starts it.
  return machine === 'laptop' ? 'esp' : 'hybrid';
}

function poolLabel(host: string, pool: PoolDef): string {
  // mkfs.btrfs labels are at most 255 bytes; keep them short and shell-safe.
  return `${host}-${pool.name}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 32);
}

/** record[key] when it is the record's own entry; never a member of Object.prototype ("constructor"). */
function ownValue<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
