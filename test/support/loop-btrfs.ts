// Real btrfs on loop devices for integration tests. Each fixture lives in its own temp directory
// (images + mount point); cleanup.ts releases everything tied to that directory, on success,
// on failure and on SIGINT/SIGTERM. Mount anything a test adds below `fs.dir` so it is found too.
import { mkdtemp, open, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attachLoop } from '../../src/btrfs/loop.ts';
import { mkfsBtrfs } from '../../src/btrfs/mkfs.ts';
import { mount } from '../../src/btrfs/mount.ts';
import { releaseDir, trackDir } from './cleanup.ts';

export const FIXTURE_PREFIX = 'panther-loop-';
const MiB = 1024 * 1024;

export interface LoopDevices {
  /** Temp directory holding the images; put extra mount points below it. */
  dir: string;
  images: string[];
  /** /dev/loopN, in the order of `sizesMiB`; attached with --partscan. */
  devices: string[];
  dispose(): Promise<void>;
}

export interface LoopBtrfs extends LoopDevices {
  mountPoint: string;
  uuid: string;
  label: string | undefined;
}

export interface LoopBtrfsOptions {
  /** Per device; btrfs needs ~110 MiB at least with default profiles. Default 256. */
  sizeMiB?: number;
  count?: number;
  label?: string;
  mountOptions?: string[];
  dataProfile?: string;
  metadataProfile?: string;
}

function disposer(dir: string): () => Promise<void> {
  return async () => {
    const problems = releaseDir(dir);
    if (problems.length > 0) throw new Error(`loop fixture ${dir}: cleanup failed: ${problems.join('; ')}`);
  };
}

/** Sparse images attached as loop devices, without a filesystem (for provisioning tests). */
export async function createLoopDevices(sizesMiB: readonly number[]): Promise<LoopDevices> {
  const dir = await mkdtemp(join(tmpdir(), FIXTURE_PREFIX));
  trackDir(dir);
  try {
    const images: string[] = [];
    const devices: string[] = [];
    for (const [i, size] of sizesMiB.entries()) {
      const image = join(dir, `disk${i}.img`);
      const handle = await open(image, 'wx');
      try { await handle.truncate(size * MiB); } finally { await handle.close(); }
      images.push(image);
      devices.push(await attachLoop(image, { partscan: true }));
    }
    return { dir, images, devices, dispose: disposer(dir) };
  } catch (error) {
    releaseDir(dir);
    throw error;
  }
}

/** A mounted btrfs over `count` loop devices, mounted at `<dir>/mnt`. */
export async function createLoopBtrfs(opts: LoopBtrfsOptions = {}): Promise<LoopBtrfs> {
  const { sizeMiB = 256, count = 1 } = opts;
  const loops = await createLoopDevices(Array.from({ length: count }, () => sizeMiB));
  try {
    const { uuid } = await mkfsBtrfs(loops.devices, {
      ...(opts.label === undefined ? {} : { label: opts.label }),
      ...(opts.dataProfile === undefined ? {} : { dataProfile: opts.dataProfile }),
      ...(opts.metadataProfile === undefined ? {} : { metadataProfile: opts.metadataProfile }),
    });
    const mountPoint = join(loops.dir, 'mnt');
    await mkdir(mountPoint);
    await mount(loops.devices[0]!, mountPoint, opts.mountOptions ?? [], { fstype: 'btrfs' });
    return { ...loops, mountPoint, uuid, label: opts.label };
  } catch (error) {
    releaseDir(loops.dir);
    throw error;
  }
}

async function runWith<F extends LoopDevices, T>(fixture: F, fn: (f: F) => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await fn(fixture);
  } catch (error) {
    // The test's own error matters more than a cleanup problem; releaseDir never throws.
    releaseDir(fixture.dir);
    throw error;
  }
  await fixture.dispose();
  return result;
}

export async function withLoopBtrfs<T>(opts: LoopBtrfsOptions, fn: (fs: LoopBtrfs) => Promise<T>): Promise<T> {
  return runWith(await createLoopBtrfs(opts), fn);
}

export async function withLoopDevices<T>(sizesMiB: readonly number[], fn: (loops: LoopDevices) => Promise<T>): Promise<T> {
  return runWith(await createLoopDevices(sizesMiB), fn);
}

export { leftovers as fixtureLeftovers } from './cleanup.ts';
