// Fit a plan onto the devices actually given (a 24 GiB loop image instead of a 458 GB disk), so the
// same plan can be exercised in tests and demos. Only sizes change; layout, options and policies do
// not. A size changes only when it does not fit the smaller device, and every change is returned so
// the caller can say it out loud and record it; whether a smaller device is acceptable at all is the
// caller's decision (provision refuses it without --fit-to-device).
import { PantherError, ExitCode } from '../core/errors.ts';
import { formatBytes } from '../core/bytes.ts';
import type { PoolPlan, StoragePlan } from '../plan/types.ts';

/** The smallest device we will lay a pool on: GPT + boot partitions + a usable btrfs. */
export const MIN_POOL_BYTES = 256 * 1024 ** 2;
const MIN_ESP_BYTES = 64 * 1024 ** 2;
const MIN_SWAP_BYTES = 16 * 1024 ** 2;
/** Alignment before the first partition and the backup GPT at the end, rounded up. */
const GPT_OVERHEAD_BYTES = 2 * 1024 ** 2;
const BIOS_BOOT_BYTES = 1024 ** 2;
/** An ESP fits when it takes at most this share of the device. */
const ESP_SHARE = 1 / 8;
/** Swapfiles fit when together they take at most this share of the btrfs partition. */
const SWAP_SHARE = 1 / 4;

export interface SizeChange {
  pool: string;
  /** "device", "ESP", "swapfile @swap/swapfile". */
  what: string;
  plannedBytes: number;
  fittedBytes: number;
}

export interface SmallerDevice {
  pool: string;
  device: string;
  plannedBytes: number;
  deviceBytes: number;
}

export interface Fit {
  plan: StoragePlan;
  /** Pools whose device is smaller than the plan expects. */
  smaller: SmallerDevice[];
  /** Every size that differs from the plan (the device size included), in pool order. */
  changes: SizeChange[];
}

export function describeChange(c: SizeChange): string {
  return `${c.pool}: ${c.what} ${formatBytes(c.plannedBytes)} → ${formatBytes(c.fittedBytes)}`;
}

export function fitPlan(plan: StoragePlan, deviceBytes: Record<string, number>): Fit {
  const fitted = structuredClone(plan);
  const smaller: SmallerDevice[] = [];
  const changes: SizeChange[] = [];
  for (const pool of fitted.pools) {
    const size = deviceBytes[pool.name];
    if (size === undefined) continue;
    if (size < MIN_POOL_BYTES) {
      throw new PantherError('device-too-small', `pool ${pool.name}: ${pool.device} has ${formatBytes(size)}; at least ${formatBytes(MIN_POOL_BYTES)} is needed (the plan expects ${formatBytes(pool.deviceSizeBytes)})`, {
        subject: pool.name, exitCode: ExitCode.refused, hint: 'use a larger device or image',
      });
    }
    // A larger device changes nothing: the plan's sizes are laid down as they are.
    if (size >= pool.deviceSizeBytes) { pool.deviceSizeBytes = size; continue; }
    smaller.push({ pool: pool.name, device: pool.device, plannedBytes: pool.deviceSizeBytes, deviceBytes: size });
    changes.push({ pool: pool.name, what: 'device', plannedBytes: pool.deviceSizeBytes, fittedBytes: size });
    pool.deviceSizeBytes = size;
    changes.push(...fitPool(pool, size));
  }
  return { plan: fitted, smaller, changes };
}

function fitPool(pool: PoolPlan, size: number): SizeChange[] {
  const changes: SizeChange[] = [];
  const hasEsp = pool.boot === 'esp' || pool.boot === 'hybrid';
  if (hasEsp && pool.espSizeBytes > size * ESP_SHARE) {
    // Large enough for FAT32 to be made.
    const esp = Math.max(MIN_ESP_BYTES, roundMiB(size * ESP_SHARE));
    changes.push({ pool: pool.name, what: 'ESP', plannedBytes: pool.espSizeBytes, fittedBytes: esp });
    pool.espSizeBytes = esp;
  }
  const btrfsBytes = size - GPT_OVERHEAD_BYTES - (pool.boot === 'bios' || pool.boot === 'hybrid' ? BIOS_BOOT_BYTES : 0) - (hasEsp ? pool.espSizeBytes : 0);
  const swaps = pool.subvolumes.filter((s) => s.swapfile !== null);
  const total = swaps.reduce((n, s) => n + s.swapfile!.sizeBytes, 0);
  const budget = roundMiB(btrfsBytes * SWAP_SHARE);
  if (total > budget) {
    for (const s of swaps) {
      const swap = s.swapfile!;
      const to = Math.max(MIN_SWAP_BYTES, roundMiB((swap.sizeBytes * budget) / total));
      changes.push({ pool: pool.name, what: `swapfile ${s.name}/${swap.path}`, plannedBytes: swap.sizeBytes, fittedBytes: to });
      swap.sizeBytes = to;
    }
  }
  return changes;
}

/** The fitted plan alone (tests, demo): same as fitPlan(...).plan. */
export function scalePlan(plan: StoragePlan, deviceBytes: Record<string, number>): StoragePlan {
  return fitPlan(plan, deviceBytes).plan;
}

function roundMiB(bytes: number): number {
  return Math.floor(bytes / 1024 ** 2) * 1024 ** 2;
}
