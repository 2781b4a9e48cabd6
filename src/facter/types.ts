// What detection hands to planning: plain, JSON-serialisable facts about one machine.

export const TRANSPORTS = ['nvme', 'sata', 'sas', 'virtio-scsi', 'virtio-blk', 'usb', 'mmc', 'other'] as const;
export type Transport = (typeof TRANSPORTS)[number];

export const MACHINE_KINDS = ['laptop', 'desktop', 'server', 'vps', 'unknown'] as const;
export type MachineKind = (typeof MACHINE_KINDS)[number];

export type Firmware = 'uefi' | 'bios' | 'unknown';

export interface Disk {
  /** Kernel node, e.g. /dev/nvme0n1 (built from sysfs_id, never from the sorted name list). */
  device: string;
  /** Best stable name: /dev/disk/by-id/* first, then by-path, else the kernel node. */
  stableDevice: string;
  sizeBytes: number;
  logicalSectorSize: number;
  transport: Transport;
  removable: boolean;
  model: string;
  /** Index of the entry in hardware.disk[], for error messages. */
  reportIndex: number;
  /** Filesystem labels on the whole disk (by-label names), e.g. an installer's "nixos-minimal-…". */
  labels?: string[];
  /** The report lists /dev/root for this disk: it held the running root when facter ran. */
  holdsRoot?: boolean;
}

export interface IgnoredDevice {
  device: string;
  /** Why this is not a disk to install on, in words a user understands. */
  reason: string;
}

export interface MachineEvidence {
  kind: MachineKind;
  /** facter `virtualisation` ("none", "kvm", ...), or null when absent. */
  virtualisation: string | null;
  vendor: string | null;
  product: string | null;
  /** SMBIOS chassis type value (9 laptop, 10 notebook, 3 desktop, 23 rack, ...), null when absent. */
  chassisType: number | null;
  architecture: string | null;
  firmware: Firmware;
  /** The fact `kind` was decided from, in words ("SMBIOS chassis type 10 (Notebook)"). */
  kindReason?: string;
}

/** Which shape of facter report this was (docs/knowledge/facter.md §9); informational. */
export type ReportFormat = 'version-2' | 'v0.1' | 'v0.2+' | 'v0.3.3+' | 'v0.4.1+';

export interface HostReport {
  source: string;
  format: ReportFormat;
  machine: MachineEvidence;
  disks: Disk[];
  ignored: IgnoredDevice[];
}

/**
 * What detection reads of a profile. plan's ProfileDef satisfies it structurally; facter must not
 * import plan (the data flows facter → plan), so the shape is restated here.
 */
export interface DetectableProfile {
  id: string;
  match: {
    machine: MachineKind[];
    disks: { count: number; transports: Transport[]; minBytes: number };
    providers?: string[];
    nominalSizeGB?: number;
  };
}

export type Confidence = 'high' | 'medium' | 'low';

export interface ProfileCandidate {
  profile: string;
  /** 0..1, higher is better. */
  score: number;
  why: string;
}

export interface Detection {
  profile: string | null;
  confidence: Confidence | null;
  machine: MachineKind;
  disks: Disk[];
  ignored: IgnoredDevice[];
  evidence: string[];
  candidates: ProfileCandidate[];
  /** Set when profile is null: why we refuse to pick one. */
  reason: string | null;
  /** Disks the chosen profile's pools use, largest first (PoolDef.disk indexes this); [] when refused. */
  poolDisks?: Disk[];
}
