// Which databases a restored subvolume holds: a breadth-first walk of its directories, to a bounded
// depth and a bounded number of directories, that never follows a symlink (readdir's entry types
// are lstat's) and does not look inside a directory once it is a database's. Names found on the way
// are hostile: they are only ever joined under the root, never given to a shell.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PantherError } from '../../core/errors.ts';

export type DatabaseKind = 'postgres' | 'redis';
export type EntryKind = 'file' | 'dir' | 'other';
/** A directory's entries by name; symlinks and everything not a plain file or directory are 'other'. */
export type Listing = ReadonlyMap<string, EntryKind>;

export interface FoundDatabase {
  kind: DatabaseKind;
  /** Relative to the root, '/'-separated; '.' for the root itself. */
  dataDir: string;
}

export interface FindOptions {
  /** Directories below the root that are looked at: 4 reaches `var/lib/postgresql/15/main`. */
  maxDepth?: number;
  /** Directories read at most; past it the walk stops and says so through `log`. */
  maxDirectories?: number;
  log?: (line: string) => void;
}

export const DEFAULT_MAX_DEPTH = 4;
export const DEFAULT_MAX_DIRECTORIES = 10_000;

/**
 * What a directory is, from its entries. PostgreSQL: PG_VERSION and global/pg_control (`global`
 * is the listing of its global/ sub-directory, null when absent). Redis: an RDB or an AOF.
 */
export function classifyDirectory(entries: Listing, global: Listing | null): DatabaseKind | null {
  if (entries.get('PG_VERSION') === 'file' && entries.get('global') === 'dir' && global?.get('pg_control') === 'file') return 'postgres';
  if (entries.get('dump.rdb') === 'file' || entries.get('appendonlydir') === 'dir' || entries.get('appendonly.aof') === 'file') return 'redis';
  return null;
}

/** Reads one directory, given relative to the root; null when it cannot be read (gone, no permission). */
export type ReadListing = (relative: string) => Promise<Listing | null>;

/**
 * The walk itself, over any reader (the tests give it a tree in memory). Breadth-first in name order,
 * so the result is the same on every run and the shallowest databases are found first.
 */
export async function walkForDatabases(read: ReadListing, options: FindOptions = {}): Promise<FoundDatabase[]> {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxDirectories = options.maxDirectories ?? DEFAULT_MAX_DIRECTORIES;
  const found: FoundDatabase[] = [];
  let queue: string[] = ['.'];
  let visited = 0;
  for (let depth = 0; depth <= maxDepth && queue.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of queue) {
      if (visited >= maxDirectories) {
        options.log?.(`database detection stopped after ${maxDirectories} directories; databases deeper in the tree were not looked for`);
        return found;
      }
      visited++;
      const entries = await read(dir);
      if (entries === null) {
        options.log?.(`database detection: cannot read ${JSON.stringify(dir)}; skipped`);
        continue;
      }
      const global = entries.get('global') === 'dir' && entries.has('PG_VERSION') ? await read(childOf(dir, 'global')) : null;
      const kind = classifyDirectory(entries, global);
      if (kind !== null) {
        found.push({ kind, dataDir: dir });
        continue;
      }
      for (const name of [...entries.keys()].sort()) {
        if (entries.get(name) === 'dir') next.push(childOf(dir, name));
      }
    }
    queue = next;
  }
  return found;
}

function childOf(dir: string, name: string): string {
  return dir === '.' ? name : `${dir}/${name}`;
}

/** The databases in the tree at `root` (a restored subvolume). */
export async function findDatabases(root: string, options: FindOptions = {}): Promise<FoundDatabase[]> {
  let rootStat;
  try {
    rootStat = await lstat(root);
  } catch (error) {
    throw new PantherError('drill-root-missing', `cannot look for databases in ${root}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      subject: root, cause: error, hint: 'the restored subvolume should be there; see the drill\'s restore step',
    });
  }
  if (!rootStat.isDirectory()) {
    throw new PantherError('drill-root-not-directory', `cannot look for databases in ${root}: not a directory (a symlink is not followed)`, { subject: root });
  }
  return walkForDatabases((relative) => readListing(join(root, relative)), options);
}

async function readListing(dir: string): Promise<Listing | null> {
  let dirents;
  try {
    dirents = await readdir(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  const listing = new Map<string, EntryKind>();
  for (const d of dirents) {
    if (d.isDirectory()) listing.set(d.name, 'dir');
    else if (d.isFile()) listing.set(d.name, 'file');
    else listing.set(d.name, 'other');
  }
  return listing;
}
