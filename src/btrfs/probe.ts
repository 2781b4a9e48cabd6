// What is on a block device, read from the device itself (`blkid -p`, no cache), so provisioning
// can refuse to touch a device that holds data.
import { readFile } from 'node:fs/promises';
import { run } from './exec.ts';
import { safeDevice } from './args.ts';
import { PantherError } from '../core/errors.ts';

export interface DeviceProbe {
  /** blkid TYPE ("btrfs", "vfat", "swap", …), "ambivalent" when several signatures compete, or null. */
  hasFilesystem: string | null;
  /** blkid PTTYPE ("gpt", "dos") or null. */
  hasPartitionTable: string | null;
  label: string | null;
  uuid: string | null;
  /** Every KEY=value blkid printed. */
  tags: Record<string, string>;
}

/** Parses `blkid -o export` output: KEY=value lines. */
export function parseBlkidExport(text: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) tags[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return tags;
}

// blkid exit codes (blkid(8)): 2 = nothing found, 8 = ambivalent low-level probing result.
const NOTHING_FOUND = 2;
const AMBIVALENT = 8;

export async function probeDevice(device: string): Promise<DeviceProbe> {
  safeDevice(device);
  const { stdout, code } = await run('blkid', ['-p', '-o', 'export', '--', device], {
    subject: device, allowExit: [NOTHING_FOUND, AMBIVALENT],
  });
  const tags = code === NOTHING_FOUND ? {} : parseBlkidExport(stdout);
  return {
    hasFilesystem: code === AMBIVALENT ? 'ambivalent' : tags['TYPE'] ?? null,
    hasPartitionTable: tags['PTTYPE'] ?? null,
    label: tags['LABEL'] ?? null,
    uuid: tags['UUID'] ?? null,
    tags,
  };
}

/**
 * Mount sources and swap devices that are `device` or one of its partitions. Read from /proc, so
 * it sees what the kernel uses right now, whatever mounted it.
 */
export async function devicesInUse(device: string): Promise<string[]> {
  safeDevice(device);
  const [mounts, swaps] = await Promise.all([
    readFile('/proc/self/mounts', 'utf8').catch(() => ''),
    readFile('/proc/swaps', 'utf8').catch(() => ''),
  ]);
  const sources = [...mounts.split('\n'), ...swaps.split('\n').slice(1)].map((l) => l.split(/\s+/)[0] ?? '');
  const escaped = device.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const ofDevice = new RegExp(`^${escaped}(p?\\d+|-part\\d+)?$`);
  return [...new Set(sources.filter((s) => ofDevice.test(s)))];
}

/** Size of a block device in bytes (`blockdev --getsize64`). */
export async function blockDeviceSize(device: string): Promise<number> {
  safeDevice(device);
  const { stdout } = await run('blockdev', ['--getsize64', device], { subject: device });
  const bytes = Number(stdout.trim());
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new PantherError('device-size-unknown', `${device}: blockdev printed "${stdout.trim()}" as its size`, {
      subject: device, hint: 'is this a block device? pass a disk such as /dev/sdb or a loop device',
    });
  }
  return bytes;
}
