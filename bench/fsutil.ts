// Small filesystem helpers: sizes of trees, bind mounts at a fixed path, removal of restore targets.
import { execFile } from 'node:child_process';
import { lstat, readdir, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { deleteSubvolume, isSubvolume, mount, umount } from '../src/btrfs/index.ts';

/** Sum of the sizes of the regular files below `dir`. */
export async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await treeBytes(path);
    else if (entry.isFile()) total += (await lstat(path)).size;
  }
  return total;
}

/** Runs `fn` with `source` bind-mounted at `at` (restic and borg find their parent by path). */
export async function withBind<T>(source: string, at: string, fn: () => Promise<T>): Promise<T> {
  await mount(source, at, ['bind']);
  try {
    return await fn();
  } finally {
    await umount(at).catch(() => umount(at, { lazy: true }));
  }
}

/** Deletes a restore target: received subvolumes in it (two levels deep), then the rest. */
export async function removeTarget(dir: string): Promise<void> {
  const subvolumes = async (d: string, depth: number): Promise<string[]> => {
    const out: string[] = [];
    for (const entry of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (!entry.isDirectory()) continue;
      const path = join(d, entry.name);
      if (await isSubvolume(path)) out.push(path);
      else if (depth > 0) out.push(...(await subvolumes(path, depth - 1)));
    }
    return out;
  };
  for (const path of await subvolumes(dir, 1)) await deleteSubvolume(path);
  await rm(dir, { recursive: true, force: true });
}

/**
 * Waits until btrfs has finished deleting every subvolume deleted on `mnt`'s filesystem, then syncs
 * every filesystem. The cleaner frees a deleted restore's 1.4 GB in the background for 25–35 s on
 * the bench's VM, and the loop device's writes are the host's dirty pages until written back: a
 * restore started meanwhile shares the disk and the CPU with either.
 */
export async function settleDeletions(mnt: string): Promise<void> {
  await promisify(execFile)('btrfs', ['subvolume', 'sync', mnt]);
  await promisify(execFile)('sync', []);
}
