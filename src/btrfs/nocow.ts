// The No_COW recipe (docs/knowledge/btrfs.md §3): chattr +C while the target is empty, then read the flag back,
// because chattr exits 0 without setting C on a non-empty file.
import { stat, readdir } from 'node:fs/promises';
import { changeAttrs, readAttrs } from './attrs.ts';
import { getProperty } from './property.ts';
import { safePath } from './args.ts';
import { PantherError, isPantherError } from '../core/errors.ts';

export interface SetNoCowOptions {
  /**
   * Set C on a directory that already has entries. The flag takes, but only files created later
   * inherit it; what is already there stays COW. Off by default because that is rarely intended.
   */
  allowNonEmptyDir?: boolean;
}

/** chattr +C on `path` and verify with lsattr; throws a PantherError when the flag did not take. */
export async function setNoCow(path: string, opts: SetNoCowOptions = {}): Promise<void> {
  safePath(path);
  const st = await stat(path);
  if (st.isDirectory() && !opts.allowNonEmptyDir) {
    const entries = await readdir(path);
    if (entries.length > 0) {
      throw new PantherError('nocow-not-empty', `${path}: refusing to set No_COW (C) on a directory that already has ${entries.length} entries`, {
        subject: path,
        hint: 'existing files would stay COW; set +C right after creating the subvolume, or copy the data into new files afterwards',
      });
    }
  }

  try {
    await changeAttrs(path, '+C');
  } catch (error) {
    if (isPantherError(error) && /Invalid argument/.test(error.message) && (await compressionOf(path)) !== null) {
      throw new PantherError('nocow-on-compressed', `${path}: cannot set No_COW (C): a compression property is set, and compression needs COW`, {
        subject: path,
        hint: 'reset it first with `btrfs property set <path> compression ""`, or keep compression and drop +C',
        cause: error,
      });
    }
    throw error;
  }

  const flags = await readAttrs(path);
  if (!flags.has('C')) {
    throw new PantherError('nocow-not-applied', `${path}: chattr +C exited 0 but the No_COW flag (C) is not set`, {
      subject: path,
      hint: st.isFile() && st.size > 0
        ? 'C can be set only on empty files: create a new empty file, chattr +C it, then copy the data in'
        : 'the filesystem may not support No_COW (is it btrfs?); check with `lsattr -d`',
      details: { flags: [...flags].sort() },
    });
  }
}

async function compressionOf(path: string): Promise<string | null> {
  try {
    return (await readAttrs(path)).has('c') ? 'c' : await getProperty(path, 'compression');
  } catch {
    return null;
  }
}
