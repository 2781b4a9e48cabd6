// Where an API restore may write when the caller names a directory: an absolute path inside one of
// the plan's mounted subvolumes (below --root), never inside a snapshot directory, and with no
// symlink on the way from the subvolume's mount point to it. restore-file then walks below that
// directory without following links (src/snapshot/restore-file.ts); this keeps its trusted top honest.
import { lstat } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { ExitCode, PantherError } from '../core/errors.ts';
import type { StoragePlan } from '../plan/types.ts';

function refused(to: string, why: string): PantherError {
  return new PantherError('serve-restore-target', `restore target ${JSON.stringify(to.slice(0, 200))}: ${why}`, {
    exitCode: ExitCode.usage, hint: 'name an absolute directory inside one of the host\'s mounted subvolumes (e.g. /home/restored), or leave "to" out to restore in place',
  });
}

/** The directory on disk to restore into (below `root`), or a refusal. */
export async function restoreTarget(plan: StoragePlan, root: string, to: string): Promise<string> {
  if (!to.startsWith('/')) throw refused(to, 'not an absolute path');
  if (to.split('/').includes('..') || to.includes('\0')) throw refused(to, 'it leaves its directory ("..")');
  const path = normalize(to).replace(/\/+$/, '') || '/';
  const inside = (mount: string): boolean => mount === '/' || path === mount || path.startsWith(`${mount}/`);
  // The deepest mount point holding the path: that subvolume is where the files land.
  const mounts = plan.pools.flatMap((p) => p.subvolumes)
    .filter((s) => s.mountPoint !== null && s.workload !== 'swap' && inside(s.mountPoint))
    .sort((a, b) => b.mountPoint!.length - a.mountPoint!.length);
  const owner = mounts[0];
  if (owner === undefined) throw refused(to, 'not inside a mounted subvolume of the plan');
  if (owner.workload === 'snapshots' || path.split('/').includes('.snapshots')) throw refused(to, 'inside a snapshot directory (snapshots are read-only)');
  const mount = owner.mountPoint!;
  const rest = mount === '/' ? path.slice(1) : path.slice(mount.length + 1);
  let shown = mount;
  for (const part of rest === '' ? [] : rest.split('/')) {
    shown = join(shown, part);
    const info = await lstat(join(root, shown)).catch(() => null);
    if (info === null) break; // the rest is created by restore-file, as real directories
    if (info.isSymbolicLink()) throw refused(to, `${shown} is a symlink; restore does not follow links`);
    if (!info.isDirectory()) throw refused(to, `${shown} is not a directory`);
  }
  return join(root, path);
}
