// Which mounts below a --root belong to the plan, and which belong to someone else. Pure: the edge
// (index.ts) lists the mounts (findmnt) and resolves device paths; these functions only decide, so
// they are tested on findmnt-shaped data without unmounting anything of the host.
import type { MountEntry } from '../btrfs/index.ts';

/** What marks a mount as made from the plan: its source device, or a btrfs label of one of its pools. */
export interface PlanOwnership {
  /** Whole-disk devices of the plan's pools, resolved (/dev/sdb, /dev/loop3), not by-id links. */
  devices: string[];
  /** Filesystem labels of the plan's pools (btrfs only). */
  labels: string[];
}

/** A mount with the label of its filesystem when known (btrfs mounts; null otherwise). */
export type LabelledMount = MountEntry & { label?: string | null };

/** `source` is `device` itself or one of its partitions (/dev/sda3, /dev/loop0p2, /dev/nvme0n1p1). */
export function isOfDevice(source: string, device: string): boolean {
  if (source === device) return true;
  if (!source.startsWith(device)) return false;
  const rest = source.slice(device.length);
  // /dev/loop1 must not claim /dev/loop10: after a trailing digit the kernel inserts "p".
  return /\d$/.test(device) ? /^p\d+$/.test(rest) : /^\d+$/.test(rest);
}

export function normaliseRoot(root: string): string {
  const r = root.replace(/\/+$/, '');
  return r === '' ? '/' : r;
}

export function isAtOrBelow(root: string, target: string): boolean {
  const r = normaliseRoot(root);
  return r === '/' || target === r || target.startsWith(`${r}/`);
}

function depth(target: string): number {
  return target === '/' ? 0 : target.split('/').length - 1;
}

export function isOwned(m: LabelledMount, owner: PlanOwnership): boolean {
  if (owner.devices.some((d) => isOfDevice(m.device, d))) return true;
  return m.fstype === 'btrfs' && m.label !== undefined && m.label !== null && owner.labels.includes(m.label);
}

/**
 * Mounts at or below root not made from the plan's devices: what provision would mount over and
 * hide (the running system's "/" and "/nix", a tmpfs, a bind mount).
 */
export function foreignMounts(root: string, mounts: readonly MountEntry[], devices: readonly string[]): MountEntry[] {
  return mounts.filter((m) => isAtOrBelow(root, m.target) && !devices.some((d) => isOfDevice(m.device, d)));
}

export interface UnmountSelection {
  /** Deepest first; the order to unmount in. */
  unmount: LabelledMount[];
  /** The plan's mounts left alone, and why. */
  kept: Array<{ target: string; reason: string }>;
}

/**
 * What `unmount` may take down: mounts at or below root made from the plan's devices (or carrying
 * a pool's btrfs label), deepest first. Never "/" itself; never a mount with someone else's mount
 * on top of it or below it (umount would take theirs, or fail half way).
 * `mounts` is in mount order (as /proc/self/mountinfo and findmnt list them): later ones are on top.
 */
export function selectUnmounts(root: string, mounts: readonly LabelledMount[], owner: PlanOwnership): UnmountSelection {
  const below = mounts.filter((m) => isAtOrBelow(root, m.target));
  const kept: UnmountSelection['kept'] = [];
  const chosen: LabelledMount[] = [];
  below.forEach((m, i) => {
    if (!isOwned(m, owner)) return;
    if (m.target === '/') { kept.push({ target: m.target, reason: 'the running system\'s root is never unmounted' }); return; }
    const coveredBy = below.slice(i + 1).find((o) => o.target === m.target && !isOwned(o, owner));
    if (coveredBy !== undefined) { kept.push({ target: m.target, reason: `covered by a mount that is not the plan's (${coveredBy.source})` }); return; }
    const holds = below.find((o) => o !== m && o.target.startsWith(m.target === '/' ? '/' : `${m.target}/`) && !isOwned(o, owner));
    if (holds !== undefined) { kept.push({ target: m.target, reason: `holds ${holds.target}, which is not the plan's (${holds.source})` }); return; }
    chosen.push(m);
  });
  // Deepest first; of stacked mounts on one target the top (latest) first.
  const order = new Map(chosen.map((m, i) => [m, i]));
  const unmount = [...chosen].sort((a, b) => depth(b.target) - depth(a.target) || order.get(b)! - order.get(a)!);
  return { unmount, kept };
}
