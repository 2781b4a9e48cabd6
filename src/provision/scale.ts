// Fit a plan onto the devices actually given (a 1 GiB loop image instead of a 2 TB NVMe), so the same
// plan can be exercised in tests and demos. Only sizes change; layout, options and policies do not.
import { PantherError, ExitCode } from '../core/errors.ts';
import { formatBytes } from '../core/bytes.ts';
import type { StoragePlan } from '../plan/types.ts';

/** The smallest device we will lay a pool on: GPT + boot partitions + a usable btrfs. */
export const MIN_POOL_BYTES = 256 * 1024 ** 2;
const MIN_ESP_BYTES = 64 * 1024 ** 2;

export function scalePlan(plan: StoragePlan, deviceBytes: Record<string, number>): StoragePlan {
  const scaled = structuredClone(plan);
  for (const pool of scaled.pools) {
    const size = deviceBytes[pool.name];
    if (size === undefined) continue;
    if (size < MIN_POOL_BYTES) {
      throw new PantherError('device-too-small', `pool ${pool.name}: the device has ${formatBytes(size)}; at least ${formatBytes(MIN_POOL_BYTES)} is needed`, {
        subject: pool.name, exitCode: ExitCode.usage, hint: 'use a larger device or image',
      });
    }
    if (size >= pool.deviceSizeBytes) { pool.deviceSizeBytes = size; continue; }
    const ratio = size / pool.deviceSizeBytes;
    pool.deviceSizeBytes = size;
    // Keep the ESP within an eighth of a small device, but large enough for FAT32 to be made.
    pool.espSizeBytes = Math.max(MIN_ESP_BYTES, Math.min(pool.espSizeBytes, roundMiB(size / 8)));
    for (const s of pool.subvolumes) {
      if (s.swapfile !== null) {
        s.swapfile.sizeBytes = Math.max(16 * 1024 ** 2, Math.min(s.swapfile.sizeBytes, roundMiB(s.swapfile.sizeBytes * ratio), roundMiB(size / 8)));
      }
    }
  }
  return scaled;
}

function roundMiB(bytes: number): number {
  return Math.floor(bytes / 1024 ** 2) * 1024 ** 2;
}
