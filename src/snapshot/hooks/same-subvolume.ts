// Whether a path lies in the same subvolume as the one being snapshotted. btrfs gives every
// subvolume its own st_dev, so equal st_dev (after following symlinks) means "captured by this
// snapshot"; a nested subvolume or another mount has a different one and is not captured
// (docs/knowledge/btrfs.md §5: snapshots are not recursive).
import { stat } from 'node:fs/promises';

export async function deviceOf(path: string): Promise<bigint> {
  return (await stat(path, { bigint: true })).dev;
}

export async function sameSubvolume(path: string, subvolumePath: string): Promise<boolean> {
  const [a, b] = await Promise.all([deviceOf(path), deviceOf(subvolumePath)]);
  return a === b;
}
