// `btrfs filesystem show`: which devices make up a filesystem, and whether some are missing.
import { run } from './exec.ts';
import { safePath } from './args.ts';
import { parseBytes } from '../core/bytes.ts';
import { PantherError } from '../core/errors.ts';

export interface FilesystemDevice {
  devid: number;
  size: number;
  used: number;
  /** null when the device is missing. */
  path: string | null;
}

export interface FilesystemShow {
  label: string | null;
  uuid: string;
  totalDevices: number;
  /** Exact with --raw; rounded when parsed from human-readable output. */
  bytesUsed: number;
  devices: FilesystemDevice[];
  missingDevices: boolean;
}

// With --raw sizes are plain bytes; without it "256.00MiB", which parseBytes also reads.
const size = (text: string): number => parseBytes(text, 'btrfs filesystem show size');

/** Parses `btrfs filesystem show [--raw]`: one block per filesystem. */
export function parseFilesystemShow(text: string): FilesystemShow[] {
  const result: FilesystemShow[] = [];
  let current: FilesystemShow | undefined;
  for (const line of text.split('\n')) {
    const head = /^Label: (?:'(.*)'|none)\s+uuid: (\S+)\s*$/.exec(line);
    if (head) {
      current = { label: head[1] ?? null, uuid: head[2]!, totalDevices: 0, bytesUsed: 0, devices: [], missingDevices: false };
      result.push(current);
      continue;
    }
    if (current === undefined) continue;
    const total = /^\s+Total devices (\d+) FS bytes used (\S+)/.exec(line);
    if (total) {
      current.totalDevices = Number(total[1]);
      current.bytesUsed = size(total[2]!);
      continue;
    }
    const dev = /^\s+devid\s+(\d+) size (\S+) used (\S+) path (.*)$/.exec(line);
    if (dev) {
      const path = dev[4]!.trim();
      current.devices.push({
        devid: Number(dev[1]), size: size(dev[2]!), used: size(dev[3]!),
        path: path === '<missing disk>' ? null : path,
      });
      continue;
    }
    if (/Some devices missing/.test(line)) current.missingDevices = true;
  }
  for (const fs of result) {
    if (fs.devices.some((d) => d.path === null) || fs.devices.length < fs.totalDevices) fs.missingDevices = true;
  }
  return result;
}

/** The filesystem mounted at (or holding) `pathOrDevice`. */
export async function showFilesystem(pathOrDevice: string): Promise<FilesystemShow> {
  safePath(pathOrDevice);
  const { stdout } = await run('btrfs', ['filesystem', 'show', '--raw', '--', pathOrDevice], { subject: pathOrDevice });
  const [first] = parseFilesystemShow(stdout);
  if (first === undefined) {
    throw new PantherError('not-btrfs', `${pathOrDevice}: not a btrfs filesystem (btrfs filesystem show found none)`, {
      subject: pathOrDevice,
      hint: 'point it at a mounted btrfs path or a device holding btrfs',
    });
  }
  return first;
}
