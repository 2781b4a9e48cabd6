// Where snapshots live and how their metadata is kept: each pool's snapshot subvolume holds one
// directory per source subvolume, and every snapshot has a sidecar "<name>.json" beside it. The
// sidecars are the catalog: listing scans them, so nothing is lost with a cache, and a snapshot
// whose sidecar is missing is still listed (rebuilt from its name and btrfs).
import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { showSubvolume } from '../btrfs/index.ts';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { ExitCode, PantherError } from '../core/errors.ts';
import type { PoolPlan, StoragePlan, SubvolumePlan } from '../plan/types.ts';
import { parseSnapshotName } from './naming.ts';
import type { SnapshotMeta } from './types.ts';

export const TOOL_VERSION = 'panther 0.1.0';

export interface Located {
  pool: PoolPlan;
  subvolume: SubvolumePlan;
  /** The live subvolume, below root. */
  source: string;
  /** Directory holding this subvolume's snapshots. */
  dir: string;
}

export interface StoredSnapshot {
  meta: SnapshotMeta;
  path: string;
  /** The sidecar was missing and this metadata was rebuilt. */
  rebuilt: boolean;
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
    return { pool, subvolume: s, source: below(root, s.mountPoint), dir: join(below(root, home.mountPoint), s.name) };
  }
  throw new PantherError('unknown-subvolume', `the plan of ${plan.host} has no subvolume ${subvolume}`, {
    exitCode: ExitCode.usage, hint: `subvolumes: ${plan.pools.flatMap((p) => p.subvolumes.map((s) => s.name)).join(' ')}`,
  });
}

/** Every subvolume of the plan that has snapshot tiers, located. */
export function snapshotted(plan: StoragePlan, root: string): Located[] {
  return plan.pools.flatMap((p) => p.subvolumes).filter((s) => s.snapshots !== null).map((s) => locate(plan, root, s.name));
}

export async function writeMeta(dir: string, meta: SnapshotMeta): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, `${meta.name}.json`), `${JSON.stringify(meta, null, 2)}\n`);
}

export async function removeMeta(dir: string, name: string): Promise<void> {
  await unlink(join(dir, `${name}.json`)).catch((error: NodeJS.ErrnoException) => { if (error.code !== 'ENOENT') throw error; });
}

export async function listStored(plan: StoragePlan, root: string, loc: Located): Promise<StoredSnapshot[]> {
  const entries = await readdir(loc.dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const result: StoredSnapshot[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const parsed = parseSnapshotName(entry.name);
    if (parsed === null || parsed.subvolume !== loc.subvolume.name) continue;
    const path = join(loc.dir, entry.name);
    const text = await readFile(`${path}.json`, 'utf8').catch(() => null);
    if (text !== null) {
      result.push({ meta: JSON.parse(text) as SnapshotMeta, path, rebuilt: false });
      continue;
    }
    const info = await showSubvolume(path).catch(() => null);
    result.push({
      path, rebuilt: true,
      meta: {
        formatVersion: 1, name: entry.name, host: plan.host, pool: loc.pool.name, subvolume: loc.subvolume.name,
        time: parsed.time, origin: 'timeline', tiers: [], tags: [], description: 'metadata rebuilt: the sidecar file was missing',
        creator: 'unknown', pinned: false, holds: [], hooks: [], degraded: false, command: null,
        uuid: info?.uuid ?? null, toolVersion: TOOL_VERSION,
      },
    });
  }
  return result.sort((a, b) => a.meta.time.localeCompare(b.meta.time) || a.meta.name.localeCompare(b.meta.name));
}

export async function listAll(plan: StoragePlan, root: string): Promise<StoredSnapshot[]> {
  const all: StoredSnapshot[] = [];
  for (const loc of plan.pools.flatMap((p) => p.subvolumes).filter((s) => s.mountPoint !== null && s.workload !== 'snapshots' && s.workload !== 'swap')) {
    all.push(...(await listStored(plan, root, locate(plan, root, loc.name))));
  }
  return all;
}

/** Finds one snapshot by name anywhere in the plan's snapshot directories. */
export async function findSnapshot(plan: StoragePlan, root: string, name: string): Promise<{ stored: StoredSnapshot; loc: Located }> {
  const parsed = parseSnapshotName(name);
  if (parsed === null) {
    throw new PantherError('bad-snapshot-name', `"${name}" is not a snapshot name`, { exitCode: ExitCode.usage, hint: 'names look like @home.20261124T020000Z (panther snapshot list)' });
  }
  const loc = locate(plan, root, parsed.subvolume);
  const stored = (await listStored(plan, root, loc)).find((s) => s.meta.name === name);
  if (stored === undefined) throw new PantherError('no-such-snapshot', `no snapshot ${name}`, { hint: 'panther snapshot list shows what exists' });
  return { stored, loc };
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
