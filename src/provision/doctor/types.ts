// What `doctor` sees on a live system, as plain data. inspect.ts fills it from btrfs-progs and
// findmnt; the checks compare it with the plan without touching the system, so every check is
// unit-testable on hand-written states.

export interface LiveMount {
  /** Target as seen below --root, e.g. "/home" (root stripped). */
  target: string;
  source: string;
  fstype: string;
  options: string[];
  /** Subvolume path without leading "/", e.g. "@home"; null for non-btrfs. */
  subvol: string | null;
  /** btrfs filesystem UUID, to tell pools apart. */
  uuid: string | null;
}

export interface LiveFilesystem {
  uuid: string;
  label: string | null;
  devices: string[];
  sizeBytes: number;
  usedBytes: number;
  unallocatedBytes: number;
  freeEstimatedBytes: number;
  /** device → counter name → value. */
  deviceErrors: Record<string, Record<string, number>>;
  scrub: { lastStarted: string | null; status: string; errors: number };
  /** Every subvolume path on this filesystem (relative to its top level). */
  subvolumes: string[];
}

export interface LiveAttributes {
  target: string;
  nocow: boolean;
  compression: string | null;
}

export interface LiveSwapfile {
  /** Path below --root. */
  path: string;
  exists: boolean;
  nocow: boolean;
  sizeBytes: number;
  mode: number;
}

export interface LivePostgres {
  dataDir: string;
  nocow: boolean;
  /** null when pg_controldata could not tell. */
  checksums: boolean | null;
}

/** Options a user asked for in fstab (or another mount table), to spot ones the kernel ignored. */
export interface RequestedMount {
  target: string;
  subvol: string | null;
  options: string[];
}

export interface LiveState {
  now: string;
  root: string;
  mounts: LiveMount[];
  filesystems: LiveFilesystem[];
  attributes: LiveAttributes[];
  swapfiles: LiveSwapfile[];
  postgres: LivePostgres[];
  requested: RequestedMount[];
}

export type DoctorSeverity = 'error' | 'warning' | 'info';

export interface DoctorFinding {
  id: string;
  severity: DoctorSeverity;
  subject: string;
  expected: string;
  found: string;
  fix: string;
}

export interface DoctorThresholds {
  /** Spec: alert when a disk is more than 85 % used. */
  usedPercent: number;
  /** Below this much unallocated space btrfs cannot allocate new chunks (ENOSPC while df shows free). */
  minUnallocatedBytes: number;
  scrubMaxAgeDays: number;
}

export const DEFAULT_THRESHOLDS: DoctorThresholds = {
  usedPercent: 85,
  minUnallocatedBytes: 1024 ** 3,
  scrubMaxAgeDays: 35,
};
