// Is a PostgreSQL data directory entirely on one subvolume? A btrfs snapshot is atomic per
// subvolume only, so data + WAL in one subvolume recover by WAL replay (NOTES 10), while a WAL
// (pg_wal symlink) or tablespace (pg_tblspc/* symlinks) elsewhere would be captured at a
// different instant or not at all. Reads the directory, then `findSpread` decides, pure.
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { deviceOf } from './same-subvolume.ts';

export interface DataEntry {
  /** "pg_wal", "base", "pg_tblspc/16384" (relative to the data directory). */
  name: string;
  /** Where a symlink points; null for a plain entry. */
  target: string | null;
  /** st_dev after following symlinks; null when it cannot be reached (dangling link). */
  dev: bigint | null;
}

export interface DataLayout {
  dataDir: string;
  dataDev: bigint;
  subvolumeDev: bigint;
  entries: DataEntry[];
}

/** Every part of the data directory that the snapshot of the subvolume would not capture. */
export function findSpread(layout: DataLayout): string[] {
  if (layout.dataDev !== layout.subvolumeDev) {
    return [`the data directory ${layout.dataDir} itself is not on it`];
  }
  return layout.entries
    .filter((e) => e.dev !== layout.subvolumeDev)
    .map((e) => {
      const what = e.name === 'pg_wal' ? 'the WAL (pg_wal)'
        : e.name.startsWith('pg_tblspc/') ? `tablespace ${e.name.slice('pg_tblspc/'.length)}`
        : e.name;
      const where = e.target === null ? 'a nested subvolume or another mount' : e.target;
      return `${what} is on ${where}${e.dev === null ? ' (unreachable)' : ''}`;
    });
}

export async function readDataLayout(dataDir: string, subvolumePath: string): Promise<DataLayout> {
  const [dataDev, subvolumeDev] = await Promise.all([deviceOf(dataDir), deviceOf(subvolumePath)]);
  const entries: DataEntry[] = [];
  const add = (entry: DataEntry | null): void => { if (entry !== null) entries.push(entry); };
  for (const name of await readdir(dataDir)) add(await readEntry(dataDir, name));
  let tablespaces: string[] = [];
  try {
    tablespaces = await readdir(join(dataDir, 'pg_tblspc'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  for (const oid of tablespaces) add(await readEntry(dataDir, `pg_tblspc/${oid}`));
  return { dataDir, dataDev, subvolumeDev, entries };
}

async function readEntry(dataDir: string, name: string): Promise<DataEntry | null> {
  const path = join(dataDir, name);
  let target: string | null;
  try {
    target = (await lstat(path)).isSymbolicLink() ? await readlink(path) : null;
  } catch (error) {
    // Removed between readdir and lstat (a temp file): nothing left to capture.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    return { name, target, dev: await deviceOf(path) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // A dangling link points at data the snapshot cannot hold; a vanished plain entry is harmless.
    return target === null ? null : { name, target, dev: null };
  }
}
