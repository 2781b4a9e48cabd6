// What each kind of data gets unless its profile says otherwise. One row per workload, so a reader
// can check the whole policy against NOTES.md in one screen.
import type { BackupFrequency, CompressionAlgorithm, Workload } from './types.ts';

export interface WorkloadDefaults {
  cow: boolean;
  compression: CompressionAlgorithm;
  /** Per-mount VFS options; btrfs-wide options come from the pool. */
  mountOptions: string[];
  snapshot: boolean;
  backup: { laptop: BackupFrequency; server: BackupFrequency };
  why: string;
}

const base = ['noatime'];

export const WORKLOAD_DEFAULTS: Record<Workload, WorkloadDefaults> = {
  system: { cow: true, compression: 'zstd', mountOptions: base, snapshot: true, backup: { laptop: 'weekly', server: 'weekly' }, why: 'system configuration changes rarely; spec: weekly' },
  user: { cow: true, compression: 'zstd', mountOptions: base, snapshot: true, backup: { laptop: 'daily', server: 'daily' }, why: 'user data: daily' },
  dev: { cow: true, compression: 'zstd', mountOptions: base, snapshot: true, backup: { laptop: 'daily', server: 'daily' }, why: 'source code compresses well and is precious' },
  config: { cow: true, compression: 'zstd', mountOptions: base, snapshot: true, backup: { laptop: 'weekly', server: 'weekly' }, why: 'spec: system config weekly' },
  // NOTES 2: /nix keeps CoW and compression; hard links do not need no-CoW, and the store is rebuildable.
  nix: { cow: true, compression: 'zstd', mountOptions: base, snapshot: false, backup: { laptop: 'never', server: 'never' }, why: 'the store is rebuilt from the flake; never snapshotted or backed up' },
  database: { cow: false, compression: 'none', mountOptions: [...base, 'nodev', 'nosuid', 'noexec'], snapshot: true, backup: { laptop: 'daily', server: 'daily' }, why: 'no-CoW for database I/O; snapshots are crash-consistent with hooks (NOTES 10)' },
  container: { cow: false, compression: 'none', mountOptions: base, snapshot: false, backup: { laptop: 'weekly', server: 'never' }, why: 'spec: container data weekly, laptops only' },
  log: { cow: true, compression: 'zstd', mountOptions: [...base, 'nodev', 'nosuid', 'noexec'], snapshot: true, backup: { laptop: 'never', server: 'monthly' }, why: 'spec: logs monthly, servers only' },
  cache: { cow: true, compression: 'zstd', mountOptions: base, snapshot: false, backup: { laptop: 'never', server: 'never' }, why: 'caches are rebuildable; not worth the budget' },
  temp: { cow: false, compression: 'none', mountOptions: [...base, 'nodev', 'nosuid'], snapshot: false, backup: { laptop: 'never', server: 'never' }, why: 'spec: /tmp CoW disabled, speed over space' },
  tools: { cow: true, compression: 'zstd', mountOptions: base, snapshot: true, backup: { laptop: 'weekly', server: 'weekly' }, why: 'installed tools change rarely' },
  backups: { cow: true, compression: 'zstd', mountOptions: [...base, 'nodev', 'nosuid', 'noexec'], snapshot: false, backup: { laptop: 'daily', server: 'daily' }, why: 'local dumps go offsite with the data they protect' },
  snapshots: { cow: true, compression: 'zstd', mountOptions: [...base, 'nodev', 'nosuid', 'noexec'], snapshot: false, backup: { laptop: 'never', server: 'never' }, why: 'holds the snapshots themselves' },
  // NOTES 5: swap has its own no-CoW subvolume, is never snapshotted (ETXTBSY) and never backed up.
  swap: { cow: false, compression: 'none', mountOptions: [...base, 'nodev', 'nosuid', 'noexec'], snapshot: false, backup: { laptop: 'never', server: 'never' }, why: 'swapfiles need no-CoW and block snapshots of their subvolume' },
};
