// GPT partitioning with sgdisk. The kernel may lack a GPT parser (or udev may be absent, as in
// containers), so after writing the table we ask partx to register the partitions and then wait
// for their device nodes instead of trusting that they appear.
import { access, readdir, realpath } from 'node:fs/promises';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from './exec.ts';
import { safeDevice, safeText } from './args.ts';
import { probeDevice, devicesInUse } from './probe.ts';
import { PantherError, ExitCode, isPantherError } from '../core/errors.ts';

export const PARTITION_TYPES = { esp: 'EF00', bios: 'EF02', linux: '8300' } as const;
export type PartitionType = keyof typeof PARTITION_TYPES;

export interface PartitionSpec {
  /** GPT partition name (PARTLABEL), up to 36 characters. */
  name: string;
  /** A multiple of 4096, or 'rest' for the last partition. */
  sizeBytes: number | 'rest';
  type: PartitionType;
}

/** /dev/sda → /dev/sda1; /dev/loop0, /dev/nvme0n1 → …p1; /dev/disk/by-id/x → x-part1. */
export function partitionPath(device: string, number: number): string {
  if (device.startsWith('/dev/disk/by-')) return `${device}-part${number}`;
  return /\d$/.test(device) ? `${device}p${number}` : `${device}${number}`;
}

/** sgdisk arguments for a fresh GPT with `parts`; lists every problem at once. Pure. */
export function sgdiskArgs(parts: readonly PartitionSpec[]): string[] {
  const problems: string[] = [];
  if (parts.length === 0) problems.push('no partitions given');
  const args = ['--clear'];
  parts.forEach((part, i) => {
    const n = i + 1;
    const at = `partition ${n} (${JSON.stringify(part.name)})`;
    if (part.name.length === 0 || part.name.length > 36) problems.push(`${at}: name must be 1–36 characters`);
    try { safeText(part.name, `${at} name`); } catch (error) { problems.push(isPantherError(error) ? error.message : String(error)); }
    if (!(part.type in PARTITION_TYPES)) problems.push(`${at}: type must be one of ${Object.keys(PARTITION_TYPES).join(', ')}`);
    if (part.sizeBytes === 'rest') {
      if (i !== parts.length - 1) problems.push(`${at}: only the last partition can take the rest`);
    } else if (!Number.isSafeInteger(part.sizeBytes) || part.sizeBytes <= 0 || part.sizeBytes % 4096 !== 0) {
      problems.push(`${at}: size must be a positive multiple of 4096 bytes`);
    }
    const end = part.sizeBytes === 'rest' ? '0' : `+${part.sizeBytes / 1024}K`;
    args.push(`--new=${n}:0:${end}`, `--typecode=${n}:${PARTITION_TYPES[part.type] ?? ''}`, `--change-name=${n}:${part.name}`);
  });
  if (problems.length > 0) {
    throw new PantherError('bad-partitions', `partition layout is invalid:\n  ${problems.join('\n  ')}`, {
      exitCode: ExitCode.usage, details: { problems },
    });
  }
  return args;
}

export interface PartitionGptOptions {
  /** Overwrite a device that holds a filesystem or partition table. Never touches a device in use. */
  force?: boolean;
  /** How long to wait for the partition nodes. Default 10 s. */
  settleTimeoutMs?: number;
}

/** Writes a new GPT on `device` and returns the partition device paths, in order. */
export async function partitionGpt(device: string, parts: readonly PartitionSpec[], opts: PartitionGptOptions = {}): Promise<string[]> {
  safeDevice(device);
  const args = sgdiskArgs(parts);
  const inUse = await devicesInUse(device);
  if (inUse.length > 0) {
    throw new PantherError('device-busy', `${device}: in use (${inUse.join(', ')} mounted or active swap)`, {
      subject: device, exitCode: ExitCode.refused,
      hint: 'device busy: unmount it or detach the loop device before partitioning',
    });
  }
  const probe = await probeDevice(device);
  if (!opts.force && (probe.hasFilesystem !== null || probe.hasPartitionTable !== null)) {
    const what = probe.hasPartitionTable !== null ? `a ${probe.hasPartitionTable} partition table` : `a ${probe.hasFilesystem} filesystem`;
    throw new PantherError('device-not-empty', `${device}: holds ${what}; refusing to partition it`, {
      subject: device, exitCode: ExitCode.refused,
      hint: 'check that this is the right disk; pass force only when its contents may be destroyed',
      details: { probe },
    });
  }
  if (opts.force) await run('wipefs', ['--all', '--', device], { subject: device });
  // Partitions the kernel still holds from an earlier table (a loop device without --partscan keeps
  // them even across losetup -d) would overlap the new ones, and partx --update cannot add those.
  await forgetPartitions(device);
  await run('sgdisk', [...args, '--', device], { subject: device });
  // Registers the partitions from userspace when the kernel did not (no GPT parser, no udev).
  await run('partx', ['--update', '--', device], { subject: device });
  const paths = parts.map((_, i) => partitionPath(device, i + 1));
  await waitForNodes(paths, opts.settleTimeoutMs ?? 10_000);
  return paths;
}

/** The partitions the kernel has registered for a whole-disk device (sysfs), not what is on disk. */
export async function kernelPartitions(device: string): Promise<string[]> {
  safeDevice(device);
  // A device that does not exist has nothing registered.
  const name = basename(await realpath(device).catch(() => device));
  const entries = await readdir(`/sys/class/block/${name}`, { withFileTypes: true }).catch(() => []);
  const parts: string[] = [];
  for (const e of entries) {
    if (!e.name.startsWith(name)) continue;
    if (await access(`/sys/class/block/${name}/${e.name}/partition`).then(() => true, () => false)) parts.push(`/dev/${e.name}`);
  }
  return parts.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/**
 * Removes the kernel's partition entries of `device` (`partx --delete`); the table on disk stays.
 * Refuses while one of them is mounted or used as swap. Returns what was removed.
 */
export async function forgetPartitions(device: string): Promise<string[]> {
  const parts = await kernelPartitions(device);
  if (parts.length === 0) return [];
  const inUse = await devicesInUse(await realpath(device).catch(() => device));
  if (inUse.length > 0) {
    throw new PantherError('device-busy', `${device}: in use (${inUse.join(', ')} mounted or active swap)`, {
      subject: device, exitCode: ExitCode.refused, hint: 'unmount it and swapoff first',
    });
  }
  // partx --delete with no partitions exits 1 ("range <1:0>"), hence the check above.
  await run('partx', ['--delete', '--', device], { subject: device });
  return parts;
}

async function waitForNodes(paths: readonly string[], timeoutMs: number): Promise<void> {
  try {
    await run('udevadm', ['settle', `--timeout=${Math.ceil(timeoutMs / 1000)}`], { subject: 'udev', timeoutMs: timeoutMs + 1000 });
  } catch (error) {
    // No udev (containers, minimal systems): polling below is enough.
    if (!isPantherError(error) || error.code !== 'missing-tool') throw error;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const missing: string[] = [];
    for (const p of paths) if (!(await access(p).then(() => true, () => false))) missing.push(p);
    if (missing.length === 0) return;
    if (Date.now() > deadline) {
      throw new PantherError('partition-missing', `partition nodes did not appear: ${missing.join(', ')}`, {
        subject: missing[0],
        hint: 'for loop devices attach with `losetup --partscan`; otherwise run `partx --update <device>` and check `dmesg`',
      });
    }
    await sleep(50);
  }
}
