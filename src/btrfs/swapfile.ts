// Swapfiles via `btrfs filesystem mkswapfile` (progs ≥ 6.1), which does the NOCOW + preallocate +
// mkswap recipe of docs/knowledge/btrfs.md §6 in one step. We check the result ourselves: progs 6.2 prints
// "ERROR: cannot set NOCOW flag" and still exits 0 (seen on a non-btrfs directory), and exits 0
// after "cannot fallocate file: No space left on device" with an empty file left behind.
import { stat, unlink } from 'node:fs/promises';
import { run } from './exec.ts';
import { safePath } from './args.ts';
import { readAttrs } from './attrs.ts';
import { lastLines } from './failure.ts';
import { PantherError, ExitCode } from '../core/errors.ts';

export interface SwapfileResult {
  path: string;
  sizeBytes: number;
  /** Permission bits, 0o600 when correct. */
  mode: number;
  noCow: boolean;
}

/** Smallest size mkswapfile accepts (btrfs-filesystem.rst). */
export const MIN_SWAPFILE_BYTES = 40 * 1024;

export interface MkswapfileOptions {
  /** "clear" for a null UUID (reproducible), a UUID, or default: random. */
  uuid?: string;
}

export async function mkswapfile(path: string, sizeBytes: number, opts: MkswapfileOptions = {}): Promise<SwapfileResult> {
  safePath(path);
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < MIN_SWAPFILE_BYTES) {
    throw new PantherError('bad-size', `${path}: swapfile size ${sizeBytes} is not a whole number of bytes ≥ 40 KiB`, {
      subject: path, exitCode: ExitCode.usage,
    });
  }
  const uuid = opts.uuid === undefined ? [] : ['--uuid', opts.uuid];
  if (opts.uuid !== undefined && !/^(clear|random|time|[0-9a-fA-F-]{36})$/.test(opts.uuid)) {
    throw new PantherError('bad-uuid', `swapfile uuid ${JSON.stringify(opts.uuid)} is not clear, random, time or a UUID`, { exitCode: ExitCode.usage });
  }
  const { stderr } = await run('btrfs', ['filesystem', 'mkswapfile', '--size', String(sizeBytes), ...uuid, '--', path], { subject: path });

  const [st, flags] = await Promise.all([stat(path), readAttrs(path)]);
  const result: SwapfileResult = { path, sizeBytes: st.size, mode: st.mode & 0o777, noCow: flags.has('C') };
  // progs 6.2 also exits 0 when fallocate fails (ENOSPC), leaving an empty file behind.
  if (st.size < sizeBytes) {
    await unlink(path).catch(() => undefined);
    throw new PantherError('swapfile-short', `${path}: mkswapfile made ${st.size} of ${sizeBytes} bytes (${stderr.trim().split("\n").pop() || "no error printed"})`, {
      subject: path, hint: 'not enough space on the filesystem for the swapfile: make it smaller or free space', details: { ...result, output: lastLines(stderr) },
    });
  }
  if (!result.noCow || result.mode !== 0o600 || !st.isFile()) {
    throw new PantherError('swapfile-invalid', `${path}: mkswapfile finished but the file is not usable swap on btrfs (C flag: ${result.noCow ? 'yes' : 'no'}, mode 0${result.mode.toString(8)})`, {
      subject: path,
      hint: 'is the directory on btrfs? the file needs No_COW and mode 0600; remove it and check `findmnt -T <dir>`',
      details: { ...result, output: lastLines(stderr) },
    });
  }
  return result;
}
