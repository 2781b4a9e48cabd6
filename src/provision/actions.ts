// Plan → the exact, ordered steps that make it real. Pure: `--dry-run` prints this list, `apply`
// runs it. Partition device paths are only known after partitioning, so steps name pools and
// partition roles, and apply resolves them.
import type { BootPartition, PoolPlan, StoragePlan } from '../plan/types.ts';
import { underPool, underRoot } from './paths.ts';

export type PartitionRole = 'bios' | 'esp' | 'btrfs';

export interface PartitionSpec {
  role: PartitionRole;
  /** null = the rest of the disk. */
  sizeBytes: number | null;
}

export type Action =
  | { kind: 'partition'; pool: string; device: string; partitions: PartitionSpec[] }
  | { kind: 'mkfs-vfat'; pool: string; label: string }
  | { kind: 'mkfs-btrfs'; pool: string; label: string }
  | { kind: 'create-subvolume'; pool: string; subvolume: string }
  | { kind: 'set-nocow'; pool: string; subvolume: string }
  | { kind: 'set-compression'; pool: string; subvolume: string; algorithm: string }
  | { kind: 'mkswapfile'; pool: string; subvolume: string; file: string; sizeBytes: number }
  | { kind: 'mount'; pool: string; subvolume: string | null; role: 'btrfs' | 'esp'; target: string; options: string[] };

const BIOS_BOOT_BYTES = 1024 ** 2;

export function partitionsFor(boot: BootPartition, espBytes: number): PartitionSpec[] {
  const parts: PartitionSpec[] = [];
  if (boot === 'bios' || boot === 'hybrid') parts.push({ role: 'bios', sizeBytes: BIOS_BOOT_BYTES });
  if (boot === 'esp' || boot === 'hybrid') parts.push({ role: 'esp', sizeBytes: espBytes });
  parts.push({ role: 'btrfs', sizeBytes: null });
  return parts;
}

/** The per-mount option list: filesystem-wide options repeated on every mount, then VFS options. */
export function mountOptionsFor(pool: PoolPlan, subvolumeOptions: string[]): string[] {
  return [...new Set([...pool.filesystemOptions, ...subvolumeOptions])];
}

export function planActions(plan: StoragePlan): Action[] {
  const actions: Action[] = [];
  const mounts: Array<Extract<Action, { kind: 'mount' }>> = [];
  for (const pool of plan.pools) {
    const partitions = partitionsFor(pool.boot, pool.espSizeBytes);
    actions.push({ kind: 'partition', pool: pool.name, device: pool.device, partitions });
    if (partitions.some((p) => p.role === 'esp')) {
      actions.push({ kind: 'mkfs-vfat', pool: pool.name, label: 'ESP' });
      mounts.push({ kind: 'mount', pool: pool.name, subvolume: null, role: 'esp', target: '/boot', options: ['umask=0077'] });
    }
    actions.push({ kind: 'mkfs-btrfs', pool: pool.name, label: pool.label });
    for (const s of pool.subvolumes) actions.push({ kind: 'create-subvolume', pool: pool.name, subvolume: s.name });
    // Properties go on the still-empty subvolume roots: +C only takes on empty files (docs/knowledge/btrfs.md §3).
    for (const s of pool.subvolumes) {
      if (!s.cow) actions.push({ kind: 'set-nocow', pool: pool.name, subvolume: s.name });
      else actions.push({ kind: 'set-compression', pool: pool.name, subvolume: s.name, algorithm: s.compression });
    }
    for (const s of pool.subvolumes) {
      if (s.swapfile !== null) actions.push({ kind: 'mkswapfile', pool: pool.name, subvolume: s.name, file: s.swapfile.path, sizeBytes: s.swapfile.sizeBytes });
      if (s.mountPoint !== null) {
        mounts.push({ kind: 'mount', pool: pool.name, subvolume: s.name, role: 'btrfs', target: s.mountPoint, options: mountOptionsFor(pool, s.mountOptions) });
      }
    }
  }
  return [...actions, ...mountOrder(mounts)];
}

/** Parents before children: "/" before "/home" before "/home/u/dev"; ties keep plan order. */
export function mountOrder<T extends { target: string }>(mounts: T[]): T[] {
  const depth = (t: string): number => (t === '/' ? 0 : t.split('/').length - 1);
  return mounts.map((m, i) => ({ m, i })).sort((a, b) => depth(a.m.target) - depth(b.m.target) || a.i - b.i).map((x) => x.m);
}

/**
 * Throws "unsafe-path" (exit 3) when a subvolume, swapfile or mount point of the actions would
 * resolve outside its pool or outside root. Pure; apply calls it before touching any device.
 */
export function checkActionPaths(actions: readonly Action[], root: string): void {
  const pool = '/pool';
  for (const a of actions) {
    switch (a.kind) {
      case 'create-subvolume': case 'set-nocow': case 'set-compression': underPool(pool, a.subvolume); break;
      case 'mkswapfile': underPool(pool, a.subvolume, a.file); break;
      case 'mount': underRoot(root, a.target); if (a.subvolume !== null) underPool(pool, a.subvolume); break;
      default: break;
    }
  }
}

export function describeAction(a: Action): string {
  switch (a.kind) {
    case 'partition': return `partition ${a.device} (GPT): ${a.partitions.map((p) => `${p.role} ${p.sizeBytes === null ? 'rest' : `${Math.round(p.sizeBytes / 1024 ** 2)} MiB`}`).join(', ')}`;
    case 'mkfs-vfat': return `mkfs.vfat -F 32 -n ${a.label} on the ESP of pool ${a.pool}`;
    case 'mkfs-btrfs': return `mkfs.btrfs -L ${a.label} on the btrfs partition of pool ${a.pool}`;
    case 'create-subvolume': return `btrfs subvolume create ${a.pool}:/${a.subvolume}`;
    case 'set-nocow': return `chattr +C ${a.pool}:/${a.subvolume} (empty root) and verify with lsattr`;
    case 'set-compression': return `btrfs property set ${a.pool}:/${a.subvolume} compression ${a.algorithm}`;
    case 'mkswapfile': return `btrfs filesystem mkswapfile --size ${Math.round(a.sizeBytes / 1024 ** 2)}M ${a.pool}:/${a.subvolume}/${a.file}`;
    case 'mount': return a.role === 'esp'
      ? `mount ESP of ${a.pool} at ${a.target} -o ${a.options.join(',')}`
      : `mount ${a.pool}:/${a.subvolume} at ${a.target} -o ${[...a.options, `subvol=${a.subvolume}`].join(',')}`;
  }
}
