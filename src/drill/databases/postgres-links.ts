// A restored cluster whose pg_wal or tablespaces are symlinks must not be started: the links hold
// absolute paths of the original host, and on the drill machine they may lead to LIVE data (the same
// host, or the same paths) that the scratch server would then recover into and write. The snapshot
// hook already refuses WAL or tablespaces on another subvolume; this refuses what still links out.
import { readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { PantherError } from '../../core/errors.ts';

export interface LinkEntry {
  /** "pg_wal", "pg_tblspc/<oid>", "base/<oid>", … (relative to the data directory). */
  name: string;
  /** The symlink's target; null when the entry is a plain directory (an in-place tablespace). */
  target: string | null;
}

/** What links out of the copy, as sentences (empty: safe to start). Pure. */
export function linksOut(entries: readonly LinkEntry[]): string[] {
  return entries.filter((e) => e.target !== null).map((e) => {
    const what = e.name.startsWith('pg_tblspc/') ? `tablespace ${e.name.slice('pg_tblspc/'.length)}`
      : e.name === 'pg_wal' || e.name === 'pg_xlog' ? `the WAL (${e.name})`
      : e.name;
    return `${what} is a symlink to ${JSON.stringify(e.target)}`;
  });
}

/** pg_wal, pg_tblspc/*, and every other directory PostgreSQL writes into (base, base/*, global, pg_*). */
export async function readLinks(data: string): Promise<LinkEntry[]> {
  const entries: LinkEntry[] = [];
  const scan = async (relative: string, wanted: (name: string) => boolean): Promise<void> => {
    let dirents;
    try { dirents = await readdir(join(data, relative), { withFileTypes: true }); } catch { return; }
    for (const d of dirents.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (!wanted(d.name)) continue;
      const name = relative === '.' ? d.name : `${relative}/${d.name}`;
      if (d.isSymbolicLink()) entries.push({ name, target: await readlink(join(data, name)) });
      else if (relative === 'pg_tblspc' && d.isDirectory()) entries.push({ name, target: null });
    }
  };
  await scan('.', (name) => name === 'base' || name === 'global' || name.startsWith('pg_'));
  await scan('base', () => true);
  await scan('pg_tblspc', () => true);
  return entries;
}

export async function refuseLinksOut(data: string, dataDir: string): Promise<void> {
  const problems = linksOut(await readLinks(data));
  if (problems.length === 0) return;
  throw new PantherError('postgres-links-out', `the restored cluster in ${dataDir} is not started: ${problems.join('; ')}. Those paths are the original host's and may be live data here`, {
    subject: dataDir, details: { problems },
    hint: 'keep the WAL and tablespaces inside the data directory (initdb without --waldir; in-place tablespaces), as the postgres snapshot hook requires',
  });
}
