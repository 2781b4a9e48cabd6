// StoragePlan → /etc/fstab: the mounts `panther provision` makes, for a system that is not NixOS
// (NixOS gets them from disko) and for the VM tests' second boot. Filesystems are named by label, never
// by kernel name: /dev/nvme0n1 and /dev/sda are whatever the kernel enumerated first, labels are
// what mkfs wrote. A multi-device pool needs `btrfs device scan` (udev does it) before it mounts.
import type { StoragePlan } from '../plan/types.ts';
import { effectiveMountOptions, generatedHeader } from './describe.ts';
import { checkRenderable } from './guard.ts';

/** The label `panther provision` gives the ESP (mkfs.vfat -n). */
export const ESP_LABEL = 'ESP';

interface FstabLine { spec: string; target: string; type: string; options: string[]; pass: number }

/** fstab fields are split on blanks: a blank, tab, newline or backslash is written as octal (\040). */
export function fstabField(value: string): string {
  return value.replace(/[\s\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

const depth = (target: string): number => (target === '/' ? 0 : target.split('/').length - 1);

export function renderFstab(plan: StoragePlan): string {
  checkRenderable(plan);
  const mounts: FstabLine[] = [];
  const swaps: string[] = [];
  let esp = false;
  for (const pool of plan.pools) {
    // provision labels every ESP the same; one mounts at /boot (the spec's hosts boot from one disk).
    if ((pool.boot === 'esp' || pool.boot === 'hybrid') && !esp) {
      esp = true;
      mounts.push({ spec: `LABEL=${ESP_LABEL}`, target: '/boot', type: 'vfat', options: ['umask=0077'], pass: 2 });
    }
    for (const s of pool.subvolumes) {
      if (s.mountPoint === null) continue;
      mounts.push({ spec: `LABEL=${pool.label}`, target: s.mountPoint, type: 'btrfs', options: [...effectiveMountOptions(pool, s), `subvol=${s.name}`], pass: 0 });
      if (s.swapfile !== null) swaps.push(`${s.mountPoint.replace(/\/$/, '')}/${s.swapfile.path}`);
    }
  }
  // A parent before what is mounted inside it; the plan's order otherwise (a stable sort).
  const ordered = mounts.map((m, i) => ({ m, i })).sort((a, b) => depth(a.m.target) - depth(b.m.target) || a.i - b.i).map((x) => x.m);
  const lines = [
    ...generatedHeader(plan, 'fstab').map((l) => `# ${l}`),
    '# <file system> <mount point> <type> <options> <dump> <pass>',
    ...ordered.map((m) => [m.spec, m.target, m.type, m.options.join(','), '0', String(m.pass)].map(fstabField).join(' ')),
    ...swaps.map((path) => [fstabField(path), 'none', 'swap', 'defaults', '0', '0'].join(' ')),
  ];
  return `${lines.join('\n')}\n`;
}
