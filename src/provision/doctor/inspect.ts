// Reads a live system into a LiveState: mounts below --root, each btrfs filesystem's usage,
// errors, scrub and subvolumes, the attributes of every mounted subvolume root, and what the plan
// points at (swapfiles, PostgreSQL data directories).
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  deviceStats, filesystemUsage, findMounts, getCompression, listSubvolumes, readAttrs, run, scrubStatus, showFilesystem,
} from '../../btrfs/index.ts';
import type { MountEntry } from '../../btrfs/index.ts';
import { isPantherError } from '../../core/errors.ts';
import type { StoragePlan } from '../../plan/types.ts';
import { relativeToRoot, underRoot } from '../paths.ts';
import type { LiveFilesystem, LivePostgres, LiveState, LiveSwapfile, RequestedMount } from './types.ts';

export interface InspectOptions {
  root: string;
  plan: StoragePlan | null;
  /** A mount table (fstab format) whose requested options are compared with what is in effect. */
  fstab: string | null;
  now: Date;
}

export async function inspect(opts: InspectOptions): Promise<LiveState> {
  const entries = await findMounts(opts.root);
  const mounts = [];
  const byUuid = new Map<string, MountEntry>();
  for (const m of entries) {
    const target = relativeToRoot(opts.root, m.target);
    if (target === null) continue;
    let uuid: string | null = null;
    if (m.fstype === 'btrfs') {
      const fs = await showFilesystem(m.target);
      uuid = fs.uuid;
      if (!byUuid.has(uuid)) byUuid.set(uuid, m);
    }
    mounts.push({
      target, source: m.source, fstype: m.fstype, uuid,
      options: m.optionsText.split(',').filter((o) => !o.startsWith('subvol')),
      subvol: m.subvol === null ? null : m.subvol.replace(/^\/+/, ''),
    });
  }
  const filesystems: LiveFilesystem[] = [];
  for (const [uuid, m] of byUuid) filesystems.push(await inspectFilesystem(uuid, m));
  const attributes = [];
  for (const m of mounts.filter((x) => x.fstype === 'btrfs')) {
    const path = underRoot(opts.root, m.target);
    attributes.push({ target: m.target, nocow: (await readAttrs(path)).has('C'), compression: await getCompression(path) });
  }
  return {
    now: opts.now.toISOString(),
    root: opts.root,
    mounts,
    filesystems,
    attributes,
    swapfiles: opts.plan === null ? [] : await inspectSwapfiles(opts.root, opts.plan),
    postgres: opts.plan === null ? [] : await inspectPostgres(opts.root, opts.plan),
    requested: opts.fstab === null ? [] : parseFstab(await readFile(opts.fstab, 'utf8'), opts.root),
  };
}

async function inspectFilesystem(uuid: string, m: MountEntry): Promise<LiveFilesystem> {
  const [show, usage, stats, scrub, subvolumes] = await Promise.all([
    showFilesystem(m.target), filesystemUsage(m.target), deviceStats(m.target), scrubStatus(m.target), listSubvolumes(m.target),
  ]);
  const scrubErrors = Object.values(scrub.errors).reduce((a, b) => a + b, 0) + scrub.uncorrectable;
  return {
    uuid,
    label: show.label,
    devices: show.devices.flatMap((d) => (d.path === null ? [] : [d.path])),
    sizeBytes: usage.deviceSize,
    usedBytes: usage.used,
    unallocatedBytes: usage.deviceUnallocated,
    freeEstimatedBytes: usage.freeEstimated,
    deviceErrors: Object.fromEntries(stats.map((s) => [s.device, {
      write_io_errs: s.writeIoErrs, read_io_errs: s.readIoErrs, flush_io_errs: s.flushIoErrs,
      corruption_errs: s.corruptionErrs, generation_errs: s.generationErrs,
    }])),
    scrub: {
      lastStarted: scrub.hasStats && scrub.startedText !== null ? new Date(scrub.startedText).toISOString() : null,
      status: scrub.status ?? 'never',
      errors: scrubErrors,
    },
    subvolumes: subvolumes.map((s) => s.path),
  };
}

async function inspectSwapfiles(root: string, plan: StoragePlan): Promise<LiveSwapfile[]> {
  const result: LiveSwapfile[] = [];
  for (const s of plan.pools.flatMap((p) => p.subvolumes)) {
    if (s.swapfile === null || s.mountPoint === null) continue;
    const path = `${s.mountPoint}/${s.swapfile.path}`.replace('//', '/');
    const full = underRoot(root, path);
    const info = await stat(full).catch(() => null);
    result.push(info === null
      ? { path, exists: false, nocow: false, sizeBytes: 0, mode: 0 }
      : { path, exists: true, nocow: (await readAttrs(full)).has('C'), sizeBytes: info.size, mode: info.mode & 0o7777 });
  }
  return result;
}

/** PostgreSQL data directories (a PG_VERSION beside global/) up to three levels below database mounts. */
async function inspectPostgres(root: string, plan: StoragePlan): Promise<LivePostgres[]> {
  const found: LivePostgres[] = [];
  for (const s of plan.pools.flatMap((p) => p.subvolumes)) {
    if (s.workload !== 'database' || s.mountPoint === null) continue;
    for (const dir of await findDataDirs(underRoot(root, s.mountPoint), 3)) {
      found.push({ dataDir: relativeToRoot(root, dir) ?? dir, nocow: (await readAttrs(dir)).has('C'), checksums: await dataChecksums(dir) });
    }
  }
  return found;
}

async function findDataDirs(dir: string, depth: number): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  if (entries.some((e) => e.name === 'PG_VERSION' && e.isFile()) && entries.some((e) => e.name === 'global')) return [dir];
  if (depth === 0) return [];
  const nested = await Promise.all(entries.filter((e) => e.isDirectory()).map((e) => findDataDirs(join(dir, e.name), depth - 1)));
  return nested.flat();
}

async function dataChecksums(dataDir: string): Promise<boolean | null> {
  const version = (await readFile(join(dataDir, 'PG_VERSION'), 'utf8').catch(() => '')).trim();
  const candidates = [`/usr/lib/postgresql/${version}/bin/pg_controldata`, 'pg_controldata'];
  for (const tool of candidates) {
    try {
      const { stdout } = await run(tool, ['-D', dataDir], { subject: dataDir, timeoutMs: 10_000 });
      const m = /Data page checksum version:\s*(\d+)/.exec(stdout);
      return m === null ? null : Number(m[1]) > 0;
    } catch (error) {
      if (isPantherError(error) && error.code === 'missing-tool') continue;
      return null;
    }
  }
  return null;
}

/** fstab lines for btrfs below root: `device target btrfs options dump pass`. */
export function parseFstab(text: string, root: string): RequestedMount[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')).flatMap((line) => {
    const [, target, type, options] = line.split(/\s+/);
    if (type !== 'btrfs' || target === undefined || options === undefined) return [];
    const rel = target.startsWith(root) || root === '/' ? (relativeToRoot(root, target) ?? target) : target;
    const list = options.split(',');
    const subvol = list.find((o) => o.startsWith('subvol='))?.slice('subvol='.length).replace(/^\/+/, '') ?? null;
    return [{ target: rel, subvol, options: list.filter((o) => !o.startsWith('subvol')) }];
  });
}
