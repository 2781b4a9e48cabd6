// mkfs.btrfs and mkfs.vfat (the ESP). Both refuse an existing filesystem unless forced; we keep
// that default.
import { run } from './exec.ts';
import { safeDevice, safePath, safeText } from './args.ts';
import { PantherError, ExitCode } from '../core/errors.ts';

export interface MkfsBtrfsOptions {
  label?: string;
  /** Overwrite an existing filesystem (`-f`). */
  force?: boolean;
  /** -d / -m profiles: single, dup, raid1, raid1c3, raid10, … */
  dataProfile?: string;
  metadataProfile?: string;
}

export interface MkfsResult {
  uuid: string;
  label: string | null;
  devices: string[];
}

/** Reads the UUID and label from mkfs.btrfs's summary on stdout. */
export function parseMkfsBtrfs(text: string): { uuid: string | null; label: string | null } {
  const uuid = /^UUID:\s+(\S+)/m.exec(text)?.[1] ?? null;
  const label = /^Label:\s+(.*)$/m.exec(text)?.[1]?.trim() ?? null;
  return { uuid, label: label === '(null)' || label === '' ? null : label };
}

// mkfs.btrfs TRIMs the whole device first; on a large SSD that takes a while.
const MKFS_TIMEOUT_MS = 30 * 60_000;

export async function mkfsBtrfs(devices: readonly string[], opts: MkfsBtrfsOptions = {}): Promise<MkfsResult> {
  if (devices.length === 0) throw new PantherError('bad-devices', 'mkfs.btrfs: no devices given', { exitCode: ExitCode.usage });
  devices.forEach((d) => safeDevice(d));
  if (opts.label !== undefined && (safeText(opts.label, 'label').length === 0 || Buffer.byteLength(opts.label) > 255)) {
    throw new PantherError('bad-label', `btrfs label ${JSON.stringify(opts.label)} must be 1–255 bytes`, { exitCode: ExitCode.usage });
  }
  const profile = (flag: string, value: string | undefined): string[] => {
    if (value === undefined) return [];
    if (!/^[a-z0-9]+$/i.test(value)) throw new PantherError('bad-profile', `btrfs profile ${JSON.stringify(value)} is not a profile name`, { exitCode: ExitCode.usage });
    return [flag, value];
  };
  const args = [
    ...(opts.force ? ['-f'] : []),
    ...(opts.label === undefined ? [] : ['--label', opts.label]),
    ...profile('--data', opts.dataProfile),
    ...profile('--metadata', opts.metadataProfile),
    '--', ...devices,
  ];
  const { stdout } = await run('mkfs.btrfs', args, { subject: devices.join(' '), timeoutMs: MKFS_TIMEOUT_MS });
  const parsed = parseMkfsBtrfs(stdout);
  if (parsed.uuid === null) {
    throw new PantherError('unexpected-output', 'mkfs.btrfs succeeded but printed no UUID', { subject: devices.join(' ') });
  }
  return { uuid: parsed.uuid, label: parsed.label, devices: [...devices] };
}

export interface MkfsVfatOptions {
  /** FAT volume label: up to 11 characters, stored upper case. */
  label?: string;
  /** 12, 16 or 32; default: mkfs.vfat chooses by size. */
  fatSize?: 12 | 16 | 32;
}

/** Formats an ESP. Needs dosfstools (apt-get install -y dosfstools). */
export async function mkfsVfat(device: string, opts: MkfsVfatOptions = {}): Promise<void> {
  safeDevice(device);
  if (opts.label !== undefined && !/^[A-Za-z0-9_ -]{1,11}$/.test(opts.label)) {
    throw new PantherError('bad-label', `FAT label ${JSON.stringify(opts.label)} must be 1–11 letters, digits, "_", "-" or spaces`, { exitCode: ExitCode.usage });
  }
  const args = [
    ...(opts.fatSize === undefined ? [] : ['-F', String(opts.fatSize)]),
    ...(opts.label === undefined ? [] : ['-n', opts.label.toUpperCase()]),
    '--', device,
  ];
  await run('mkfs.vfat', args, { subject: device });
}

/**
 * mkfs.btrfs on a regular file (a sparse image to mount with -o loop): the image must be new, so no
 * existing filesystem is at stake and no -f is given.
 */
export async function mkfsBtrfsImage(image: string, label?: string): Promise<void> {
  safePath(image, 'image');
  const named = label === undefined ? [] : ['--label', safeText(label, 'label')];
  await run('mkfs.btrfs', ['-q', ...named, '--', image], { subject: image, timeoutMs: MKFS_TIMEOUT_MS });
}
