// Mount layouts that cannot work, whatever btrfs does: two subvolumes on one path, no root filesystem,
// a subvolume over a kernel or boot mount, or mounts below a no-CoW directory.
import type { Finding, PoolPlan, StoragePlan } from '../types.ts';
import { finding, overrideOf, poolSubject, shown, subvolumeSubject, subvolumes, type RuleInfo } from './rule.ts';

export const MOUNT_POINT_RULES: RuleInfo[] = [
  {
    id: 'duplicate-mount-point', title: 'two subvolumes on one mount point', severity: 'error', notes: null,
    description: 'Two subvolumes (on any pools) are mounted at the same path; the second hides the first.',
  },
  {
    id: 'mount-under-nocow', title: 'mount point below a no-CoW subvolume', severity: 'error', notes: null,
    description: 'A mount point lies below the mount point of a no-CoW subvolume: the mount point directory inherits +C, and whatever is written there before the mount lands, hidden, in the no-CoW parent.',
  },
  {
    id: 'no-root-subvolume', title: 'no root filesystem on the boot pool', severity: 'error', notes: null,
    description: 'No subvolume is mounted at / on the first pool (the pool with a boot partition, or the first one), or / is on a later pool.',
  },
  {
    id: 'mount-point-reserved', title: 'subvolume mounted over a reserved path', severity: 'error', notes: null,
    description: 'A subvolume is mounted at or below /boot, /proc, /sys, /dev or /run, which belong to the ESP and kernel/tmpfs filesystems.',
  },
];

/** "/a//b/" and "/a/b" name one directory. */
function canonical(path: string): string {
  const collapsed = path.replace(/\/+/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : collapsed;
}

function isBelow(child: string, parent: string): boolean {
  return parent === '/' ? child !== '/' : child.startsWith(`${parent}/`);
}

function mounted(plan: StoragePlan) {
  return subvolumes(plan).flatMap(({ pool, sub }) => (sub.mountPoint === null ? [] : [{ pool, sub, path: canonical(sub.mountPoint) }]));
}

export function checkDuplicateMountPoint(plan: StoragePlan): Finding[] {
  const seen = new Map<string, string>();
  const findings: Finding[] = [];
  for (const { pool, sub, path } of mounted(plan)) {
    const first = seen.get(path);
    if (first === undefined) { seen.set(path, subvolumeSubject(pool, sub)); continue; }
    findings.push(finding('duplicate-mount-point', 'error', subvolumeSubject(pool, sub),
      `${shown(sub.name)} and ${first} are both mounted at ${shown(path)}: the later mount hides the earlier subvolume, and which one wins depends on mount order.`,
      `give one of them another mount point (${overrideOf(sub, 'mountPoint')}), or null to leave it unmounted`));
  }
  return findings;
}

export function checkMountUnderNocow(plan: StoragePlan): Finding[] {
  const all = mounted(plan);
  const findings: Finding[] = [];
  for (const parent of all.filter(({ sub }) => !sub.cow)) {
    for (const child of all.filter(({ path }) => isBelow(path, parent.path))) {
      findings.push(finding('mount-under-nocow', 'error', subvolumeSubject(child.pool, child.sub),
        `${shown(child.path)} lies below ${shown(parent.path)}, the mount point of no-CoW ${subvolumeSubject(parent.pool, parent.sub)}: the mount point directory is created inside a +C directory and inherits +C, and anything written to ${shown(child.path)} before the mount lands in the no-CoW parent, without checksums and hidden by the mount.`,
        `mount ${shown(child.sub.name)} outside ${shown(parent.path)} (${overrideOf(child.sub, 'mountPoint')}), or keep CoW on ${shown(parent.sub.name)}`));
    }
  }
  return findings;
}

/** The pool the machine boots from: the one with a boot partition, else the first. */
export function bootPool(plan: StoragePlan): PoolPlan | undefined {
  return plan.pools.find((p) => p.boot !== 'none') ?? plan.pools[0];
}

export function checkNoRootSubvolume(plan: StoragePlan): Finding[] {
  const boot = bootPool(plan);
  if (boot === undefined) {
    return [finding('no-root-subvolume', 'error', 'plan', 'the plan has no pools, so there is no root filesystem.', 'plan at least one pool with a subvolume mounted at /')];
  }
  const findings: Finding[] = [];
  if (!boot.subvolumes.some((s) => s.mountPoint !== null && canonical(s.mountPoint) === '/')) {
    findings.push(finding('no-root-subvolume', 'error', poolSubject(boot),
      `no subvolume of pool ${shown(boot.name)}, the pool the machine boots from, is mounted at /; NixOS needs / on the boot pool (it is mounted first, from the initrd, and its options become the filesystem's).`,
      `mount a system subvolume (e.g. @) of pool ${shown(boot.name)} at /`));
  }
  for (const pool of plan.pools.filter((p) => p !== boot)) {
    for (const sub of pool.subvolumes.filter((s) => s.mountPoint !== null && canonical(s.mountPoint) === '/')) {
      findings.push(finding('no-root-subvolume', 'error', subvolumeSubject(pool, sub),
        `${shown(sub.name)} on pool ${shown(pool.name)} is mounted at /, but the machine boots from pool ${shown(boot.name)}: the ESP and bootloader are planned there.`,
        `mount the root subvolume from pool ${shown(boot.name)}, and give ${shown(sub.name)} another mount point (${overrideOf(sub, 'mountPoint')})`));
    }
  }
  return findings;
}

const RESERVED: Record<string, string> = {
  '/boot': 'the ESP (vfat) holds the kernels and initrds there',
  '/proc': 'procfs is mounted there by the kernel',
  '/sys': 'sysfs is mounted there by the kernel',
  '/dev': 'devtmpfs is mounted there by the kernel',
  '/run': 'a tmpfs is mounted there at boot',
};

export function checkMountPointReserved(plan: StoragePlan): Finding[] {
  const findings: Finding[] = [];
  for (const { pool, sub, path } of mounted(plan)) {
    const reserved = Object.keys(RESERVED).find((r) => path === r || isBelow(path, r));
    if (reserved === undefined) continue;
    findings.push(finding('mount-point-reserved', 'error', subvolumeSubject(pool, sub),
      `${shown(sub.name)} is mounted at ${shown(path)}, inside ${reserved}: ${RESERVED[reserved]!}, so the subvolume would hide it or be hidden by it.`,
      `choose another mount point with ${overrideOf(sub, 'mountPoint')}`));
  }
  return findings;
}
