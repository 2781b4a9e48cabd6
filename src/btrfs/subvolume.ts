// Create, snapshot and delete subvolumes, and tell a subvolume from a plain directory.
import { statfs, stat } from 'node:fs/promises';
import { run } from './exec.ts';
import { safePath } from './args.ts';

/** statfs f_type of btrfs (BTRFS_SUPER_MAGIC in linux/magic.h). */
export const BTRFS_SUPER_MAGIC = 0x9123683e;

/** The root directory of every subvolume has this inode number (BTRFS_FIRST_FREE_OBJECTID). */
const SUBVOLUME_ROOT_INODE = 256;

export async function createSubvolume(path: string): Promise<void> {
  safePath(path);
  await run('btrfs', ['subvolume', 'create', '--', path], { subject: path });
}

export interface SnapshotOptions {
  readonly?: boolean;
}

export async function snapshotSubvolume(source: string, target: string, opts: SnapshotOptions = {}): Promise<void> {
  safePath(source, 'snapshot source');
  safePath(target, 'snapshot target');
  const flags = opts.readonly ? ['-r'] : [];
  await run('btrfs', ['subvolume', 'snapshot', ...flags, '--', source, target], { subject: source });
}

export interface DeleteSubvolumeOptions {
  /** Wait for the transaction to commit (`--commit-after`), so the space accounting is current. */
  commit?: boolean;
}

export async function deleteSubvolume(path: string, opts: DeleteSubvolumeOptions = {}): Promise<void> {
  await deleteSubvolumes([path], opts);
}

/** Several subvolumes with one `btrfs subvolume delete` (one process, one wait, instead of one each). */
export async function deleteSubvolumes(paths: readonly string[], opts: DeleteSubvolumeOptions = {}): Promise<void> {
  if (paths.length === 0) return;
  for (const path of paths) safePath(path);
  const flags = opts.commit ? ['--commit-after'] : [];
  await run('btrfs', ['subvolume', 'delete', ...flags, '--', ...paths], { subject: paths.join(', ') });
}

/**
 * True when `path` is the root of a btrfs subvolume. Cheap (two syscalls, no tool); a missing
 * path is simply not a subvolume. Checks the filesystem type too, because inode 256 is an
 * ordinary inode number on other filesystems.
 */
export async function isSubvolume(path: string): Promise<boolean> {
  try {
    const [st, fs] = await Promise.all([stat(path, { bigint: true }), statfs(path, { bigint: true })]);
    return st.isDirectory() && st.ino === BigInt(SUBVOLUME_ROOT_INODE) && fs.type === BigInt(BTRFS_SUPER_MAGIC);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw error;
  }
}
