// Brings a file or directory back from a read-only snapshot without touching anything else: each
// file is copied to a temporary name beside its target and renamed into place (reflinked where the
// filesystem allows, so it costs no space), owners, modes and times kept. A target that is newer than
// the snapshot's copy is left alone unless the user says so.
//
// Root restores into trees that users own, and users can swap any directory they own for a symlink at
// any moment. So no symlink below the destination's top (the subvolume, or --to) is ever followed:
// the destination is walked one directory at a time, each opened O_NOFOLLOW|O_DIRECTORY and kept open,
// and every later step names paths through that open directory (/proc/self/fd/N/…), which a rename
// elsewhere cannot redirect. Entries are prepared inside a fresh root-only directory next to their
// target, where no user can touch them, and renamed into place from there. The source is read the
// same way: every directory on the requested path must be a real directory in the snapshot.
import { constants } from 'node:fs';
import { copyFile, lchown, lstat, lutimes, mkdir, open, readdir, readlink, rename, rmdir, symlink, unlink, chmod, type FileHandle } from 'node:fs/promises';
import { basename, join, normalize } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { ExitCode, PantherError } from '../core/errors.ts';
import type { EngineContext } from './engine.ts';
import { findSnapshot } from './store.ts';

export interface RestoreFileResult {
  snapshot: string;
  from: string;
  to: string;
  restored: string[];
  unchanged: string[];
  skippedNewer: string[];
  /** FIFOs, sockets and device nodes: reading one could block forever; recreate them by hand. */
  skippedSpecial: string[];
}

/** Path inside the subvolume: accepts "docs/a.txt", "/docs/a.txt" or the live path "/home/docs/a.txt". */
export function relativeInside(path: string, mountPoint: string): string {
  let p = path;
  if (mountPoint !== '/' && (p === mountPoint || p.startsWith(`${mountPoint}/`))) p = p.slice(mountPoint.length);
  // normalize() would quietly clamp "../../etc" to "/etc": refuse ".." before it gets the chance.
  const clean = normalize(`/${p}`).replace(/^\/+/, '').replace(/\/+$/, '');
  if (p.split('/').includes('..') || p.includes('\0')) {
    throw new PantherError('unsafe-path', `${JSON.stringify(path)} leaves the snapshot`, { exitCode: ExitCode.usage, hint: 'name a path inside the subvolume' });
  }
  return clean;
}

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const fdPath = (dir: FileHandle, name?: string): string => (name === undefined ? `/proc/self/fd/${dir.fd}` : `/proc/self/fd/${dir.fd}/${name}`);

export async function restoreFile(ctx: EngineContext, name: string, path: string, opts: { to?: string; overwriteNewer: boolean }): Promise<RestoreFileResult> {
  const { stored, loc } = await findSnapshot(ctx.plan, ctx.root, name, ctx.log);
  const rel = relativeInside(path, loc.subvolume.mountPoint ?? '/');
  if (rel === '') throw new PantherError('restore-whole', 'restore-file restores files and directories inside a snapshot, not the whole subvolume', { exitCode: ExitCode.usage, hint: 'name a path, or use btrfs subvolume snapshot to roll back a whole subvolume' });
  // Every step below names paths through open directories; without /proc that is not possible.
  if (!(await lstat('/proc/self/fd').then((i) => i.isDirectory(), () => false))) {
    throw new PantherError('no-proc', 'restore-file needs /proc (it writes through open directories so links cannot redirect it)', { hint: 'mount proc on /proc' });
  }
  const parts = rel.split('/');
  const from = join(stored.path, rel);
  await checkSourcePath(stored.path, parts, name, path);
  const top = opts.to ?? loc.source;
  const dirParts = opts.to === undefined ? parts.slice(0, -1) : [];
  const to = join(top, ...dirParts, parts.at(-1)!);
  const result: RestoreFileResult = { snapshot: name, from, to, restored: [], unchanged: [], skippedNewer: [], skippedSpecial: [] };
  if (opts.to !== undefined) await mkdir(opts.to, { recursive: true });
  // The top itself is trusted (the plan's mount point, or the directory given with --to); nothing below it is.
  let dir = await open(top, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    for (const [i, part] of dirParts.entries()) {
      const shown = join(top, ...dirParts.slice(0, i + 1));
      const source = await lstat(join(stored.path, ...parts.slice(0, i + 1)));
      const next = await openChildDir(dir, part, shown, source, result);
      await dir.close();
      dir = next;
    }
    await restoreEntry(from, dir, parts.at(-1)!, to, opts.overwriteNewer, result);
  } catch (error) {
    // Users may move, delete or replace anything in their trees while we work: say so, no stack trace.
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof PantherError || code === undefined) throw error;
    if (RACE_CODES.has(code)) throw changedMeanwhile(to, code, result);
    throw new PantherError('restore-failed', `restoring ${to} from ${name} failed: ${code} in ${(error as NodeJS.ErrnoException).syscall ?? 'a file operation'}`, {
      subject: to, cause: error, details: { restored: result.restored }, hint: 'fix the cause (space, permissions) and run restore-file again; what is already restored is kept',
    });
  } finally {
    await dir.close();
  }
  return result;
}

/** Every directory on the path must be a real directory inside the snapshot, or the "restored" data
 * could come from anywhere a link points (outside any snapshot); the last part may be anything. */
async function checkSourcePath(snapshotPath: string, parts: string[], name: string, asked: string): Promise<void> {
  for (let i = 0; i < parts.length; i++) {
    const here = join(snapshotPath, ...parts.slice(0, i + 1));
    const info = await lstat(here).catch(() => null);
    const shown = parts.slice(0, i + 1).join('/');
    if (info === null) throw new PantherError('not-in-snapshot', `${shown} does not exist in ${name}`, { hint: `panther snapshot diff shows what changed; ls ${snapshotPath}` });
    if (i === parts.length - 1) return;
    if (info.isSymbolicLink()) {
      throw new PantherError('source-through-link', `${asked}: ${shown} is a symlink in ${name}, and restore-file does not follow links (the data behind it is not in the snapshot)`, {
        subject: here, hint: `restore the link itself (panther snapshot restore-file ${name} ${shown}), or name the path it points to inside the snapshot`,
      });
    }
    if (!info.isDirectory()) throw new PantherError('not-in-snapshot', `${shown} is not a directory in ${name}`, { hint: `ls ${join(snapshotPath, ...parts.slice(0, i))}` });
  }
}

const RACE_CODES = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'EISDIR', 'ENOTEMPTY', 'EEXIST']);

function changedMeanwhile(shown: string, code: string, result?: RestoreFileResult): PantherError {
  return new PantherError('restore-raced', `${shown}: the live tree changed while restoring (${code}); nothing was written through a link`, {
    subject: shown, exitCode: ExitCode.refused, ...(result === undefined ? {} : { details: { restored: result.restored } }),
    hint: 'look at what is there now and run restore-file again, or restore elsewhere with --to DIR',
  });
}

async function describe(path: string): Promise<string> {
  const info = await lstat(path).catch(() => null);
  return info?.isSymbolicLink() ? 'a symlink' : 'not a directory';
}

function linkRefused(shown: string, found: string): PantherError {
  return new PantherError('restore-through-link', `${shown} is ${found} in the live tree but a directory in the snapshot; restore-file neither follows nor replaces it (a link could point anywhere, e.g. into a root-owned directory)`, {
    subject: shown, exitCode: ExitCode.refused,
    hint: 'restore into another directory with --to DIR and move what you need, or move it away yourself and run restore-file again',
  });
}

/**
 * Opens the live directory `name` inside `dir` without following a link, creating it (with the
 * snapshot's mode, owner and times) when it is missing.
 */
async function openChildDir(dir: FileHandle, name: string, shown: string, source: Stats, result: RestoreFileResult): Promise<FileHandle> {
  try {
    return await open(fdPath(dir, name), DIR_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // O_NOFOLLOW|O_DIRECTORY on a symlink fails with ENOTDIR (ELOOP without O_DIRECTORY).
    if (code === 'ELOOP' || code === 'ENOTDIR') throw linkRefused(shown, await describe(fdPath(dir, name)));
    if (code !== 'ENOENT') throw error;
  }
  const ino = await stageAndPlace(dir, name, async (staged) => {
    await mkdir(staged);
    await chmod(staged, source.mode & 0o7777);
    await lchown(staged, source.uid, source.gid);
  }, false);
  result.restored.push(shown);
  let opened: FileHandle;
  try {
    opened = await open(fdPath(dir, name), DIR_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'ENOTDIR') throw linkRefused(shown, `${await describe(fdPath(dir, name))} (replaced while restoring)`);
    if (code === 'ENOENT') throw changedMeanwhile(shown, code);
    throw error;
  }
  if ((await opened.stat()).ino !== ino) {
    await opened.close();
    throw linkRefused(shown, 'a different directory (replaced while restoring)');
  }
  return opened;
}

async function restoreEntry(from: string, dir: FileHandle, name: string, shown: string, overwriteNewer: boolean, result: RestoreFileResult): Promise<void> {
  const src = await lstat(from);
  if (src.isDirectory()) {
    const existed = await lstat(fdPath(dir, name)).then(() => true, () => false);
    const child = await openChildDir(dir, name, shown, src, result);
    try {
      for (const entry of await readdir(from)) await restoreEntry(join(from, entry), child, entry, join(shown, entry), overwriteNewer, result);
      if (!existed) await child.utimes(src.atime, src.mtime);
    } finally {
      await child.close();
    }
    return;
  }
  if (!src.isFile() && !src.isSymbolicLink()) { result.skippedSpecial.push(shown); return; }
  const dst = await lstat(fdPath(dir, name)).catch(() => null);
  if (dst !== null) {
    if (dst.isDirectory()) {
      throw new PantherError('restore-type-clash', `${shown} is a directory in the live tree but not in the snapshot`, {
        subject: shown, exitCode: ExitCode.refused, hint: 'restore into another directory with --to DIR, or move the live directory away first',
      });
    }
    if (dst.size === src.size && Math.trunc(dst.mtimeMs) === Math.trunc(src.mtimeMs) && dst.mode === src.mode) { result.unchanged.push(shown); return; }
    if (dst.mtimeMs > src.mtimeMs && !overwriteNewer) { result.skippedNewer.push(shown); return; }
  }
  await stageAndPlace(dir, name, async (staged) => {
    if (src.isSymbolicLink()) await symlink(await readlink(from), staged);
    else {
      // FICLONE: a reflink when source and target share the filesystem, a copy otherwise.
      await copyFile(from, staged, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
      await chmod(staged, src.mode & 0o7777);
    }
    await lchown(staged, src.uid, src.gid);
    await lutimes(staged, src.atime, src.mtime);
  }, true);
  result.restored.push(shown);
}

/**
 * Prepares an entry inside a new root-only directory beside the target (users cannot add, swap or
 * replace anything in it, so chmod and chown act on what was just made) and renames it to `name` in
 * the open directory `dir`. Returns the placed entry's inode. A directory never replaces anything:
 * rename onto an existing non-empty directory or onto a file fails.
 */
async function stageAndPlace(dir: FileHandle, name: string, make: (staged: string) => Promise<void>, replace: boolean): Promise<number> {
  const privateName = `.panther-restore-${randomBytes(6).toString('hex')}`;
  await mkdir(fdPath(dir, privateName), 0o700);
  const stage = await open(fdPath(dir, privateName), DIR_FLAGS);
  try {
    const info = await stage.stat();
    if (info.uid !== process.getuid?.() || (info.mode & 0o077) !== 0) {
      throw new PantherError('restore-staging', `the staging directory ${privateName} beside ${name} is not private (mode 0${(info.mode & 0o7777).toString(8)}, owner ${info.uid})`, {
        hint: 'run restore-file as root; a default ACL on the target directory can cause this: restore with --to DIR elsewhere',
      });
    }
    const staged = fdPath(stage, name);
    try {
      await make(staged);
      const ino = (await lstat(staged)).ino;
      if (!replace && (await lstat(fdPath(dir, name)).then(() => true, () => false))) {
        throw changedMeanwhile(name, 'EEXIST');
      }
      await rename(staged, fdPath(dir, name)).catch((error: NodeJS.ErrnoException) => {
        // Something else took the name meanwhile (a directory where a file goes, a non-empty one).
        if (RACE_CODES.has(error.code ?? '')) throw changedMeanwhile(name, error.code!);
        throw error;
      });
      return ino;
    } catch (error) {
      await unlink(staged).catch(() => rmdir(staged).catch(() => undefined));
      throw error;
    }
  } finally {
    await stage.close();
    await rmdir(fdPath(dir, privateName)).catch(() => undefined);
  }
}
