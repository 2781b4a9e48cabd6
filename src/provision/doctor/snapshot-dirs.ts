// Snapshots keep old and deleted versions of every user's files for up to a year, so a snapshot
// directory that group or others may enter lets any local user read other users' files. The pool's
// snapshot directory and each subvolume's directory in it must be 0700 (`panther snapshot run`
// tightens them too). Reads modes only; the check itself is pure.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoragePlan } from '../../plan/types.ts';
import { underRoot } from '../paths.ts';
import type { DoctorFinding, LiveMount } from './types.ts';

export interface SnapshotDirMode {
  /** Below --root, e.g. "/.snapshots" or "/.snapshots/@home". */
  path: string;
  mode: number;
}

/** The plan's snapshot mount points; without a plan, mounted subvolumes named like "@snapshots". */
function snapshotMountPoints(plan: StoragePlan | null, mounts: LiveMount[]): string[] {
  if (plan !== null) {
    return plan.pools.flatMap((pool) => pool.subvolumes.filter((s) => s.name === pool.snapshotLocation?.subvolume && s.mountPoint !== null).map((s) => s.mountPoint!));
  }
  return mounts.filter((m) => m.fstype === 'btrfs' && /(^|\/)@?snapshots$/.test(m.subvol ?? '')).map((m) => m.target);
}

export async function inspectSnapshotDirs(root: string, plan: StoragePlan | null, mounts: LiveMount[]): Promise<SnapshotDirMode[]> {
  const found: SnapshotDirMode[] = [];
  for (const target of snapshotMountPoints(plan, mounts)) {
    const full = underRoot(root, target);
    const info = await lstat(full).catch(() => null);
    if (info === null || !info.isDirectory()) continue;
    found.push({ path: target, mode: info.mode & 0o7777 });
    for (const entry of await readdir(full, { withFileTypes: true }).catch(() => [])) {
      if (!entry.isDirectory()) continue;
      const child = await lstat(join(full, entry.name)).catch(() => null);
      if (child !== null) found.push({ path: join(target, entry.name), mode: child.mode & 0o7777 });
    }
  }
  return found;
}

export function checkSnapshotDirs(dirs: SnapshotDirMode[], root: string): DoctorFinding[] {
  return dirs.filter((d) => (d.mode & 0o077) !== 0).map((d) => ({
    id: 'snapshot-dir-readable', severity: 'warning' as const, subject: d.path,
    expected: 'mode 0700: snapshots hold old and deleted versions of every user\'s files',
    found: `mode 0${d.mode.toString(8)} (group or others may read the snapshots)`,
    fix: `chmod 700 ${underRoot(root, d.path)} (panther snapshot run also tightens it)`,
  }));
}
