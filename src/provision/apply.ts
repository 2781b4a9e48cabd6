// Runs the actions of a plan against real block devices through the btrfs edge. Everything it
// mounts is tracked; a failure half way unmounts all of it and reports which steps were done.
import { chmod, mkdir, mkdtemp, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createSubvolume, devicesInUse, kernelSupports, mkfsBtrfs, mkfsVfat, mkswapfile, mount, partitionGpt, probeDevice,
  setCompression, setNoCow, umount,
} from '../btrfs/index.ts';
import type { CompressionValue } from '../btrfs/index.ts';
import { ExitCode, PantherError } from '../core/errors.ts';
import type { StoragePlan } from '../plan/types.ts';
import { checkActionPaths, describeAction, type Action, type PartitionRole } from './actions.ts';
import { underPool, underRoot } from './paths.ts';

export interface ApplyOptions {
  root: string;
  /** Overwrite devices that hold a filesystem or partition table (the user said --yes). */
  yes: boolean;
  onStep?: (index: number, total: number, description: string) => void;
}

export interface ApplyResult {
  steps: string[];
  mounted: string[];
}

const PARTITION_NAMES: Record<PartitionRole, { name: string; type: 'bios' | 'esp' | 'linux' }> = {
  bios: { name: 'bios', type: 'bios' },
  esp: { name: 'ESP', type: 'esp' },
  btrfs: { name: 'root', type: 'linux' },
};

/** Refuses, before anything is touched, when any device is in use or (without --yes) holds data. */
export async function checkDevices(plan: StoragePlan, yes: boolean): Promise<void> {
  const problems: string[] = [];
  let refusal = false;
  for (const pool of plan.pools) {
    const busy = await devicesInUse(pool.device);
    if (busy.length > 0) { problems.push(`${pool.device} (pool ${pool.name}) is in use: ${busy.join(', ')}`); continue; }
    const probe = await probeDevice(pool.device);
    if (!yes && (probe.hasFilesystem !== null || probe.hasPartitionTable !== null)) {
      refusal = true;
      const what = probe.hasPartitionTable !== null ? `a ${probe.hasPartitionTable} partition table` : `a ${probe.hasFilesystem} filesystem`;
      problems.push(`${pool.device} (pool ${pool.name}) holds ${what}${probe.label === null ? '' : ` labelled ${probe.label}`}`);
    }
  }
  if (problems.length > 0) {
    throw new PantherError(refusal ? 'device-not-empty' : 'device-busy', `refusing to provision: ${problems.join('; ')}`, {
      exitCode: ExitCode.refused, details: { problems },
      hint: refusal ? 'check these are the right disks; pass --yes to destroy what is on them' : 'unmount it, swapoff, or detach the loop device first',
    });
  }
}

export async function applyActions(plan: StoragePlan, actions: Action[], opts: ApplyOptions): Promise<ApplyResult> {
  // Before anything is touched: a name that leaves the pool or the root refuses the whole plan.
  checkActionPaths(actions, opts.root);
  await checkDevices(plan, opts.yes);
  const parts = new Map<string, Partial<Record<PartitionRole, string>>>();
  const tops = new Map<string, string>();
  const mounted: string[] = [];
  const steps: string[] = [];
  const work = await mkdtemp(join(tmpdir(), 'panther-provision-'));
  const partition = (pool: string, role: PartitionRole): string => {
    const path = parts.get(pool)?.[role];
    if (path === undefined) throw new Error(`no ${role} partition for pool ${pool}: actions out of order`);
    return path;
  };
  const top = (pool: string): string => {
    const dir = tops.get(pool);
    if (dir === undefined) throw new Error(`pool ${pool} has no filesystem yet: actions out of order`);
    return dir;
  };
  try {
    for (const [i, action] of actions.entries()) {
      const description = describeAction(action);
      opts.onStep?.(i + 1, actions.length, description);
      switch (action.kind) {
        case 'partition': {
          const specs = action.partitions.map((p) => ({ ...PARTITION_NAMES[p.role], sizeBytes: p.sizeBytes ?? 'rest' as const }));
          const paths = await partitionGpt(action.device, specs, { force: opts.yes });
          parts.set(action.pool, Object.fromEntries(action.partitions.map((p, n) => [p.role, paths[n]!])));
          break;
        }
        case 'mkfs-vfat':
          await mkfsVfat(partition(action.pool, 'esp'), { label: action.label });
          break;
        case 'mkfs-btrfs': {
          await mkfsBtrfs([partition(action.pool, 'btrfs')], { label: action.label, force: true });
          // The top level (subvolid 5) is mounted privately to create subvolumes beside each other.
          const dir = underPool(work, action.pool);
          await mkdir(dir);
          await mount(partition(action.pool, 'btrfs'), dir, ['subvolid=5']);
          tops.set(action.pool, dir);
          break;
        }
        case 'create-subvolume':
          await createSubvolume(underPool(top(action.pool), action.subvolume));
          // Snapshots hold every user's old files: the snapshot subvolume is root-only from the start.
          if (plan.pools.some((p) => p.snapshotLocation?.pool === action.pool && p.snapshotLocation.subvolume === action.subvolume)) {
            await chmod(underPool(top(action.pool), action.subvolume), 0o700);
          }
          break;
        case 'set-nocow':
          await setNoCow(underPool(top(action.pool), action.subvolume));
          break;
        case 'set-compression':
          await setCompression(underPool(top(action.pool), action.subvolume), action.algorithm as CompressionValue);
          break;
        case 'mkswapfile':
          await mkswapfile(underPool(top(action.pool), action.subvolume, action.file), action.sizeBytes);
          break;
        case 'mount': {
          await releaseTops(tops);
          const target = underRoot(opts.root, action.target);
          await mkdir(target, { recursive: true });
          if (action.role === 'esp' && !(await kernelSupports('vfat'))) {
            // Seen in containers and minimal kernels; the ESP is formatted, only this mount is skipped.
            steps.push(`${description}: SKIPPED, this kernel cannot mount vfat (the ESP is formatted)`);
            continue;
          }
          if (action.role === 'esp') await mount(partition(action.pool, 'esp'), target, action.options, { fstype: 'vfat' });
          else await mount(partition(action.pool, 'btrfs'), target, [...action.options, `subvol=${action.subvolume}`]);
          mounted.push(target);
          break;
        }
      }
      steps.push(description);
    }
    await releaseTops(tops);
    return { steps, mounted };
  } catch (error) {
    await releaseTops(tops).catch(() => undefined);
    for (const target of [...mounted].reverse()) await umount(target).catch(() => umount(target, { lazy: true }).catch(() => undefined));
    const done = steps.length === 0 ? 'nothing' : `${steps.length} step(s): ${steps.join('; ')}`;
    throw new PantherError('provision-failed', `provisioning stopped: ${(error as Error).message}\n  done before the failure: ${done}\n  everything mounted was unmounted again`, {
      cause: error, exitCode: (error as PantherError).exitCode ?? ExitCode.failed,
      hint: (error as PantherError).hint ?? 'fix the cause and run provision again with --yes (the devices now hold a partial layout)',
      details: { done: steps },
    });
  } finally {
    await rmdirTree(work, [...tops.keys()]);
  }
}

async function releaseTops(tops: Map<string, string>): Promise<void> {
  for (const [pool, dir] of tops) {
    await umount(dir);
    await rmdir(dir);
    tops.delete(pool);
  }
}

async function rmdirTree(work: string, leftover: string[]): Promise<void> {
  for (const pool of leftover) await rmdir(join(work, pool)).catch(() => undefined);
  await rmdir(work).catch(() => undefined);
}
