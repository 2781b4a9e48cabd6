// Where snapshots live and how their metadata is kept: each pool's snapshot subvolume holds one
// directory per source subvolume, and every snapshot has a sidecar "<name>.json" beside it. The
// sidecars are the catalog: listing scans them, so nothing is lost with a cache, and a snapshot
// whose sidecar is missing is still listed (rebuilt from its name and btrfs).
import { chmod, lstat, mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
// Not the btrfs barrel: `snapshot list` runs on every status check and needs this one wrapper.
import { ExitCode, PantherError } from '../core/errors.ts';
import { VERSION } from '../core/defaults.ts';
import type { PoolPlan, StoragePlan, SubvolumePlan } from '../plan/types.ts';
import { parseSidecar } from './sidecar.ts';
import { parseSnapshotName } from './naming.ts';
import type { SnapshotMeta } from './types.ts';

export const TOOL_VERSION = `panther ${VERSION}`;

export interface Located {
  pool: PoolPlan;
  subvolume: SubvolumePlan;
  /** The live subvolume, below root. */
  source: string;
  /** Directory holding this subvolume's snapshots. */
  dir: string;
  /** The pool's snapshot directory (the snapshot subvolume's mount point), parent of `dir`. */
  poolDir: string;
}

export interface StoredSnapshot {
  meta: SnapshotMeta;
  path: string;
  /** The sidecar was missing or unusable and this metadata was rebuilt. */
  rebuilt: boolean;
  /** The sidecar exists but could not be used: what it said (pins, holds, origin) is unknown. */
  unusableSidecar: boolean;
}

function below(root: string, path: string): string {
  return path === '/' ? root : join(root, path);
}

export function locate(plan: StoragePlan, root: string, subvolume: string): Located {
  for (const pool of plan.pools) {
    const s = pool.subvolumes.find((x) => x.name === subvolume);
    if (s === undefined) continue;
    if (s.mountPoint === null) {
      throw new PantherError('not-snapshottable', `${subvolume} has no mount point, so there is nothing to snapshot from`, { hint: 'give it a mount point in the plan' });
    }
    const home = pool.snapshotLocation === null ? undefined : pool.subvolumes.find((x) => x.name === pool.snapshotLocation!.subvolume);
    if (home?.mountPoint == null) {
      throw new PantherError('no-snapshot-dir', `pool ${pool.name} has no mounted snapshot subvolume`, {
        hint: 'the plan needs a snapshots subvolume with a mount point on every pool (panther lint: snapshot-location-missing)',
      });
    }
    const poolDir = below(root, home.mountPoint);
    return { pool, subvolume: s, source: below(root, s.mountPoint), dir: join(poolDir, s.name), poolDir };
  }
  throw new PantherError('unknown-subvolume', `the plan of ${plan.host} has no subvolume ${subvolume}`, {
    exitCode: ExitCode.usage, hint: `subvolumes: ${plan.pools.flatMap((p) => p.subvolumes.map((s) => s.name)).join(' ')}`,
  });
}

/** Every subvolume of the plan that has snapshot tiers, located. */
export function snapshotted(plan: StoragePlan, root: string): Located[] {
  return plan.pools.flatMap((p) => p.subvolumes).filter((s) => s.snapshots !== null).map((s) => locate(plan, root, s.name));
}

/**
 * Snapshots keep old and deleted versions of every user's files, so nobody but root may enter the
 * pool's snapshot directory or a subvolume's (the snapshots inside keep their sources' modes, 0755
 * for /home, and cannot be changed: they are read-only). Creates them 0700 whatever the umask, and
 * tightens looser ones, saying so.
 */
export async function secureSnapshotDirs(loc: Located, log: Warn, dryRun = false): Promise<void> {
  for (const dir of [loc.poolDir, loc.dir]) {
    const info = await lstat(dir).catch((error: NodeJS.ErrnoException) => { if (error.code === 'ENOENT') return null; throw error; });
    if (info === null) {
      if (dryRun) continue;
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await chmod(dir, 0o700);
      continue;
    }
    if (!info.isDirectory()) {
      throw new PantherError('snapshot-dir-invalid', `${dir} is not a directory`, { subject: dir, hint: 'it must be a directory (the pool\'s snapshot subvolume or one inside it); move whatever is there away' });
    }
    if ((info.mode & 0o077) !== 0) {
      if (!dryRun) await chmod(dir, 0o700);
      log(`${dryRun ? 'would tighten' : 'tightened'} ${dir} from 0${(info.mode & 0o777).toString(8)} to 0700: snapshots hold old and deleted versions of every user's files`);
    }
  }
}

export async function writeMeta(dir: string, meta: SnapshotMeta): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Loaded when a sidecar is written, not at start-up: listing only reads sidecars (issue 16).
  const { writeFileAtomic } = await import('../core/atomic-write.ts');
  await writeFileAtomic(join(dir, `${meta.name}.json`), `${JSON.stringify(meta, null, 2)}\n`);
}

export async function removeMeta(dir: string, name: string): Promise<void> {
  await unlink(join(dir, `${name}.json`)).catch((error: NodeJS.ErrnoException) => { if (error.code !== 'ENOENT') throw error; });
}

/** Where listing reports what it could not use; the CLI passes its stderr. */
export type Warn = (line: string) => void;
const toStderr: Warn = (line) => { process.stderr.write(`${line}\n`); };

export async function listStored(plan: StoragePlan, root: string, loc: Located, warn: Warn = toStderr): Promise<StoredSnapshot[]> {
  const entries = await readdir(loc.dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const result: StoredSnapshot[] = [];
  const snapshots = new Set<string>();
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const parsed = parseSnapshotName(entry.name);
    if (parsed === null || parsed.subvolume !== loc.subvolume.name) continue;
    snapshots.add(entry.name);
    const path = join(loc.dir, entry.name);
    const text = await readFile(`${path}.json`, 'utf8').catch(() => null);
    let why = 'the sidecar file was missing';
    if (text !== null) {
      const sidecar = parseSidecar(text, { name: entry.name, subvolume: loc.subvolume.name });
      if ('meta' in sidecar) {
        result.push({ meta: sidecar.meta, path, rebuilt: false, unusableSidecar: false });
        continue;
      }
      why = `the sidecar file was unusable: ${sidecar.problem}`;
      warn(`warning: ${path}.json: ${sidecar.problem}; ${entry.name} is listed with metadata rebuilt from btrfs and retention keeps it (its pins and holds are unknown); panther snapshot pin or unpin rewrites the file, or delete the file to let retention treat it as a timeline snapshot`);
    }
    const info = await import('../btrfs/subvolume-show.ts').then(({ showSubvolume }) => showSubvolume(path)).catch(() => null);
    result.push({
      path, rebuilt: true, unusableSidecar: text !== null,
      meta: {
        formatVersion: 1, name: entry.name, host: plan.host, pool: loc.pool.name, subvolume: loc.subvolume.name,
        time: parsed.time, origin: 'timeline', tiers: [], tags: [], description: `metadata rebuilt: ${why}`,
        creator: 'unknown', pinned: false, holds: [], hooks: [], degraded: false, command: null,
        uuid: info?.uuid ?? null, toolVersion: TOOL_VERSION,
      },
    });
  }
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
    const name = entry.name.slice(0, -'.json'.length);
    if (parseSnapshotName(name)?.subvolume !== loc.subvolume.name || snapshots.has(name)) continue;
    warn(`warning: ${join(loc.dir, entry.name)}: sidecar of a snapshot that does not exist (ignored; delete the file if ${name} is really gone)`);
  }
  return result.sort((a, b) => a.meta.time.localeCompare(b.meta.time) || a.meta.name.localeCompare(b.meta.name));
}

export async function listAll(plan: StoragePlan, root: string, warn: Warn = toStderr): Promise<StoredSnapshot[]> {
  const all: StoredSnapshot[] = [];
  for (const loc of plan.pools.flatMap((p) => p.subvolumes).filter((s) => s.mountPoint !== null && s.workload !== 'snapshots' && s.workload !== 'swap')) {
    all.push(...(await listStored(plan, root, locate(plan, root, loc.name), warn)));
  }
  return all;
}

/** Finds one snapshot by name anywhere in the plan's snapshot directories. */
export async function findSnapshot(plan: StoragePlan, root: string, name: string, warn: Warn = toStderr): Promise<{ stored: StoredSnapshot; loc: Located }> {
  const parsed = parseSnapshotName(name);
  if (parsed === null) {
    throw new PantherError('bad-snapshot-name', `"${name}" is not a snapshot name`, { exitCode: ExitCode.usage, hint: 'names look like @home.20261124T020000Z (panther snapshot list)' });
  }
  const loc = locate(plan, root, parsed.subvolume);
  const stored = (await listStored(plan, root, loc, warn)).find((s) => s.meta.name === name);
  if (stored === undefined) throw new PantherError('no-such-snapshot', `no snapshot ${name}`, { hint: 'panther snapshot list shows what exists' });
  return { stored, loc };
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
