// The storage plan: plain data that every later stage (lint, render, provision, snapshot, backup)
// reads. Nothing here runs anything; `planHost` builds it, `lintPlan` judges it.
import type { Firmware, MachineKind } from '../facter/types.ts';

export const WORKLOADS = [
  'system', 'user', 'dev', 'config', 'nix', 'database', 'container', 'log', 'cache', 'temp',
  'tools', 'backups', 'snapshots', 'swap',
] as const;
export type Workload = (typeof WORKLOADS)[number];

export const COMPRESSION_ALGORITHMS = ['zstd', 'lzo', 'zlib', 'none'] as const;
export type CompressionAlgorithm = (typeof COMPRESSION_ALGORITHMS)[number];

export const BACKUP_FREQUENCIES = ['daily', 'weekly', 'monthly', 'never'] as const;
export type BackupFrequency = (typeof BACKUP_FREQUENCIES)[number];

export const TIERS = ['frequent', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;
export type Tier = (typeof TIERS)[number];

/** How many snapshots each tier keeps (0 = tier off) and how often the frequent tier fires. */
export interface SnapshotTiers {
  frequentMinutes: number | null;
  frequent: number;
  hourly: number;
  daily: number;
  weekly: number;
  monthly: number;
  yearly: number;
}

/** systemd OnCalendar expressions that create snapshots of each tier. */
export interface SnapshotSchedule {
  frequent: string | null;
  hourly: string | null;
  daily: string;
  weekly: string;
  monthly: string;
}

export interface SubvolumeRef {
  pool: string;
  subvolume: string;
}

/** fail-closed: a failing hook means no snapshot (error); fail-open: snapshot taken, marked degraded. */
export type HookFailMode = 'closed' | 'open';

interface HookBase {
  failMode: HookFailMode;
  /** Each phase (before, after) must finish within this. */
  timeoutSeconds: number;
}

/** Database-consistent snapshot hooks (NOTES 10), configured per subvolume. */
export type HookConfig =
  | (HookBase & { type: 'postgres'; host?: string; port?: number; user?: string; database?: string })
  | (HookBase & { type: 'redis'; host?: string; port?: number; socket?: string; mode: 'save' | 'bgsave'; passwordFile?: string })
  | (HookBase & { type: 'podman'; containers?: string[] })
  | (HookBase & { type: 'command'; name: string; before: string[]; after?: string[] });

export interface SubvolumePlan {
  /** Path of the subvolume below the pool's top level, e.g. "@home". */
  name: string;
  mountPoint: string | null;
  workload: Workload;
  /** false = no-CoW: `chattr +C` on the empty subvolume root (never a mount option). */
  cow: boolean;
  /** Algorithm set with `btrfs property set … compression` (inherited by new files). */
  compression: CompressionAlgorithm;
  /** Level the profile asked for; recorded only: the level is filesystem-wide (NOTES 1). */
  compressionLevel: number | null;
  /** Per-mount options that really differ per mount (VFS options); fs-wide ones live on the pool. */
  mountOptions: string[];
  /** What the specification or the user asked for as mount options, kept for lint and for the record. */
  requestedMountOptions: string[];
  /** null = never snapshotted. */
  snapshots: SnapshotTiers | null;
  backup: BackupFrequency;
  /** Checked against the host's RPO objective. */
  critical: boolean;
  /** A swapfile lives in this subvolume. */
  swapfile: { path: string; sizeBytes: number } | null;
  /** Run around every snapshot of this subvolume; absent = none. */
  hooks?: HookConfig[];
}

export type BootPartition = 'esp' | 'bios' | 'hybrid' | 'none';

export interface PoolPlan {
  /** "primary", "secondary": also the disko disk attribute name. */
  name: string;
  /** Device to partition; a stable /dev/disk/by-id path when the report had one. */
  device: string;
  deviceSizeBytes: number;
  /** Filesystem label given to mkfs.btrfs. */
  label: string;
  boot: BootPartition;
  /** Size of the ESP when boot is esp or hybrid. */
  espSizeBytes: number;
  /** Options that apply to the whole filesystem (compress=…); repeated on every mount of the pool. */
  filesystemOptions: string[];
  /** Where snapshots of this pool's subvolumes are stored; must be on this pool (NOTES 4). */
  snapshotLocation: SubvolumeRef | null;
  subvolumes: SubvolumePlan[];
}

export interface BackupWindow {
  /** "HH:MM-HH:MM" local time. */
  weekdays: string;
  weekends: string;
}

export interface BackupPolicy {
  window: BackupWindow;
  /** Minutes this host's window starts after the fleet's window opens, so hosts do not share the link. */
  staggerMinutes: number;
  bandwidthBitsPerSecond: number;
  monthlyBudgetUsd: number;
}

export interface Objectives {
  rpoMinutes: number;
  rtoMinutes: number;
}

export type ProfileSource = 'inventory' | 'detected' | 'flag';

export interface StoragePlan {
  version: 1;
  host: string;
  profile: string;
  profileSource: ProfileSource;
  machine: MachineKind;
  firmware: Firmware;
  /** Primary user; mount points such as /home/{user}/dev are resolved with it. */
  user: string;
  pools: PoolPlan[];
  snapshots: { schedule: SnapshotSchedule; timezone: string | null };
  backup: BackupPolicy;
  objectives: Objectives;
  /** Lint rule id (or "id:subject") → the user's reason; such findings become acknowledged notes. */
  acknowledged: Record<string, string>;
}

export type Severity = 'error' | 'warning' | 'info' | 'note';

export interface Finding {
  id: string;
  severity: Severity;
  /** What the finding is about: "primary/@nix", "pool primary", "plan". */
  subject: string;
  message: string;
  fix: string;
  /** Set when the user acknowledged this finding; severity is then "note". */
  acknowledged?: string;
}
