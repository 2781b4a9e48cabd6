// Loop devices over image files (losetup): how tests and dry-run provisioning get block devices.
import { resolve } from 'node:path';
import { run } from './exec.ts';
import { safePath } from './args.ts';
import { PantherError } from '../core/errors.ts';

export interface LoopDevice {
  device: string;
  /** Absolute path of the image, without the " (deleted)" losetup appends. */
  backingFile: string;
  /** The image was removed while still attached. */
  deleted: boolean;
  readOnly: boolean;
}

const LOOP_DEVICE = /^\/dev\/loop\d+$/;

function checkLoopDevice(device: string): string {
  // losetup --detach does not take "--", so the name must not be able to look like an option.
  if (!LOOP_DEVICE.test(device)) {
    throw new PantherError('not-a-loop-device', `${JSON.stringify(device)} is not a loop device (/dev/loopN)`, { subject: device });
  }
  return device;
}

export interface AttachOptions {
  /** Let the kernel scan the partition table (needed for partitioned images). Default true. */
  partscan?: boolean;
  readOnly?: boolean;
  /** Attach to this loop device (/dev/loopN) instead of the first free one. */
  device?: string;
}

/** Attaches `image` to the first free (or the given) loop device and returns its path (/dev/loopN). */
export async function attachLoop(image: string, opts: AttachOptions = {}): Promise<string> {
  safePath(image, 'image file');
  const flags = [...(opts.device === undefined ? ['--find'] : []), '--show', ...(opts.partscan === false ? [] : ['--partscan']), ...(opts.readOnly ? ['--read-only'] : [])];
  const target = opts.device === undefined ? [] : [checkLoopDevice(opts.device)];
  const { stdout } = await run('losetup', [...flags, '--', ...target, image], { subject: image });
  const device = stdout.trim();
  if (!LOOP_DEVICE.test(device)) {
    throw new PantherError('unexpected-output', `losetup --show printed ${JSON.stringify(device)} instead of a loop device`, { subject: image });
  }
  return device;
}

export async function detachLoop(device: string): Promise<void> {
  await run('losetup', ['--detach', checkLoopDevice(device)], { subject: device });
}

interface LosetupJson {
  loopdevices?: Array<{ name?: string; 'back-file'?: string | null; ro?: boolean | string }>;
}

/** Parses `losetup --json --list --output NAME,BACK-FILE,RO`; empty output means no devices. */
export function parseLosetupJson(text: string): LoopDevice[] {
  if (text.trim() === '') return [];
  const doc = JSON.parse(text) as LosetupJson;
  return (doc.loopdevices ?? []).map((d) => {
    const back = d['back-file'] ?? '';
    const deleted = back.endsWith(' (deleted)');
    return {
      device: d.name ?? '',
      backingFile: deleted ? back.slice(0, -' (deleted)'.length) : back,
      deleted,
      // Older util-linux prints "1"/"0" strings instead of booleans.
      readOnly: d.ro === true || d.ro === '1',
    };
  });
}

export interface ListLoopsOptions {
  /** Only devices backed by this image (compared as absolute paths). */
  backingFile?: string;
}

export async function listLoops(opts: ListLoopsOptions = {}): Promise<LoopDevice[]> {
  const { stdout } = await run('losetup', ['--json', '--list', '--output', 'NAME,BACK-FILE,RO'], { subject: 'loop devices' });
  const all = parseLosetupJson(stdout);
  if (opts.backingFile === undefined) return all;
  const wanted = resolve(opts.backingFile);
  return all.filter((d) => d.backingFile === wanted);
}
