// mount(8) and umount(8). Options are joined with "," for mount -o, so an option containing a
// comma would turn into two options: refuse it (mount by subvolid= for such subvolume names).
import { readFile } from 'node:fs/promises';
import { run } from './exec.ts';
import { safePath, safeText } from './args.ts';
import { PantherError, ExitCode } from '../core/errors.ts';

export interface MountOptions {
  /** Passed as -t; default: let mount detect it. */
  fstype?: string;
}

export async function mount(device: string, target: string, options: readonly string[] = [], opts: MountOptions = {}): Promise<void> {
  safePath(device, 'mount source');
  safePath(target, 'mount target');
  for (const option of options) {
    safeText(option, 'mount option');
    if (option === '' || option.includes(',')) {
      throw new PantherError('bad-mount-option', `mount option ${JSON.stringify(option)} is empty or contains ","`, {
        subject: target,
        exitCode: ExitCode.usage,
        hint: 'give one option per entry; for subvolume names with "," use subvolid=<id>',
      });
    }
  }
  const type = opts.fstype === undefined ? [] : ['-t', safeText(opts.fstype, 'fstype')];
  const o = options.length === 0 ? [] : ['-o', options.join(',')];
  await run('mount', [...type, ...o, '--', device, target], { subject: target });
}

export interface UmountOptions {
  /** Detach now, clean up when no longer busy (`umount -l`). */
  lazy?: boolean;
}

export async function umount(target: string, opts: UmountOptions = {}): Promise<void> {
  safePath(target, 'mount target');
  await run('umount', [...(opts.lazy ? ['-l'] : []), '--', target], { subject: target });
}

/** Whether the running kernel can mount `fstype` (listed in /proc/filesystems). */
export async function kernelSupports(fstype: string): Promise<boolean> {
  const text = await readFile('/proc/filesystems', 'utf8').catch(() => '');
  return text.split('\n').some((line) => line.trim().split(/\s+/).pop() === fstype);
}
