// Profiles are data: the built-in five live in profiles.json, users add or extend their own in a JSON
// file of the same shape (`--profiles FILE`). Nothing in the planner branches on a profile id.
import type { MachineKind, Transport } from '../facter/types.ts';
import type {
  BackupFrequency, BackupPolicy, CompressionAlgorithm, HookConfig, Objectives, SnapshotSchedule, Workload,
} from './types.ts';

export interface SubvolumeDef {
  name: string;
  mountPoint: string | null;
  workload: Workload;
  cow?: boolean;
  compression?: CompressionAlgorithm;
  compressionLevel?: number | null;
  mountOptions?: string[];
  /** The specification's option list for this subvolume, recorded verbatim. */
  requestedMountOptions?: string[];
  snapshot?: boolean;
  backup?: BackupFrequency;
  critical?: boolean;
  /** Only planned when the host's inventory entry lists this feature (e.g. "databases"). */
  feature?: string;
  /** Swapfile size ("4G") for workload "swap". */
  swapSize?: string;
  hooks?: HookConfig[];
}

export interface PoolDef {
  name: string;
  /** Which detected disk: 0 = the largest, 1 = the next. */
  disk: number;
  subvolumes: SubvolumeDef[];
}

export interface ProfileMatch {
  machine: MachineKind[];
  disks: { count: number; transports: Transport[]; minBytes: number };
  /** SMBIOS system manufacturers that point at this profile's provider. */
  providers?: string[];
  /** The one disk size the user's host of this profile has, in decimal GB (NOTES 7: evidence, not identity). */
  nominalSizeGB?: number;
}

export interface RetentionCounts {
  hourly?: number;
  daily: number;
  weekly: number;
  monthly: number;
  yearly?: number;
}

export interface FrequentTierDef {
  everyMinutes: number;
  keep: number;
  /** Subvolume names that get the frequent tier (NOTES 8). */
  subvolumes: string[];
}

export interface ProfileDef {
  id: string;
  description: string;
  /** The specification's host this profile was written for. */
  specHost?: string;
  extends?: string;
  machine: MachineKind;
  match: ProfileMatch;
  objectives: Objectives;
  /** Filesystem-wide options of every pool, e.g. ["compress=zstd:3"]. */
  filesystemOptions: string[];
  pools: PoolDef[];
  retention: RetentionCounts;
  frequent: FrequentTierDef | null;
  /** Frequent-tier calendar is derived from frequent.everyMinutes. */
  schedule: Pick<SnapshotSchedule, 'daily' | 'weekly' | 'monthly'>;
  backup: BackupPolicy;
}
