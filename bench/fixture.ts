// The benchmark's scratch world: a sparse image on a loop device with btrfs mounted like the plans
// mount pools (compress=zstd:3, noatime), plus plain directories for repositories and secrets, all
// below one temp directory. Release is test/support/cleanup.ts `releaseDir` (unmount deepest first,
// detach loops, remove the directory), on success, on failure and on SIGINT/SIGTERM/SIGHUP. The
// bench keeps its own signal handlers instead of the loop fixture's trackDir so that --keep can
// leave everything in place.
import { mkdir, mkdtemp, open } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { attachLoop } from '../src/btrfs/loop.ts';
import { mkfsBtrfs } from '../src/btrfs/mkfs.ts';
import { mount } from '../src/btrfs/mount.ts';
import { releaseDir } from '../test/support/cleanup.ts';
import { killRunning } from './measure.ts';

export interface BenchFs {
  dir: string;
  /** The mounted btrfs. */
  mnt: string;
  device: string;
  release(): string[];
}

let active: string | undefined;

function onSignal(signal: NodeJS.Signals): void {
  killRunning();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
  if (active !== undefined) {
    process.stderr.write(`\n${signal}: cleaning up ${active}\n`);
    const problems = releaseDir(active);
    if (problems.length > 0) process.stderr.write(`cleanup left: ${problems.join('; ')}\n`);
  }
  process.exit(128 + (constants.signals[signal] ?? 2));
}

export async function createBenchFs(sizeMiB: number): Promise<BenchFs> {
  const dir = await mkdtemp(join(tmpdir(), 'panther-bench-'));
  active = dir;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, onSignal);
  const release = (): string[] => { active = undefined; return releaseDir(dir); };
  try {
    const image = join(dir, 'disk.img');
    const handle = await open(image, 'wx');
    try { await handle.truncate(sizeMiB * 1024 * 1024); } finally { await handle.close(); }
    const device = await attachLoop(image);
    await mkfsBtrfs([device], { label: 'panther-bench' });
    const mnt = join(dir, 'mnt');
    await mkdir(mnt);
    await mount(device, mnt, ['compress=zstd:3', 'noatime'], { fstype: 'btrfs' });
    return { dir, mnt, device, release };
  } catch (error) {
    release();
    throw error;
  }
}
