// Brings a file or directory back from a read-only snapshot without touching anything else: each
// file is copied to a temporary name beside its target and renamed into place (reflinked where the
// filesystem allows, so it costs no space), owners, modes and times kept. A target that is newer than
// the snapshot's copy is left alone unless the user says so.
import { constants } from 'node:fs';
import { copyFile, lchown, lstat, lutimes, mkdir, readdir, readlink, rename, symlink, unlink, chmod } from 'node:fs/promises';
import { basename, dirname, join, normalize } from 'node:path';
import { randomBytes } from 'node:crypto';
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
}

/** Path inside the subvolume: accepts "docs/a.txt", "/docs/a.txt" or the live path "/home/docs/a.txt". */
export function relativeInside(path: string, mountPoint: string): string {
  let p = path;
  if (mountPoint !== '/' && (p === mountPoint || p.startsWith(`${mountPoint}/`))) p = p.slice(mountPoint.length);
  // normalize() would quietly clamp "../../etc" to "/etc": refuse ".." before it gets the chance.
  const clean = normalize(`/${p}`).replace(/^\/+/, '');
  if (p.split('/').includes('..') || p.includes('\0')) {
    throw new PantherError('unsafe-path', `${JSON.stringify(path)} leaves the snapshot`, { exitCode: ExitCode.usage, hint: 'name a path inside the subvolume' });
  }
  return clean;
}

export async function restoreFile(ctx: EngineContext, name: string, path: string, opts: { to?: string; overwriteNewer: boolean }): Promise<RestoreFileResult> {
  const { stored, loc } = await findSnapshot(ctx.plan, ctx.root, name);
  const rel = relativeInside(path, loc.subvolume.mountPoint ?? '/');
  if (rel === '') throw new PantherError('restore-whole', 'restore-file restores files and directories inside a snapshot, not the whole subvolume', { exitCode: ExitCode.usage, hint: 'name a path, or use btrfs subvolume snapshot to roll back a whole subvolume' });
  const from = join(stored.path, rel);
  const to = opts.to === undefined ? join(loc.source, rel) : join(opts.to, basename(rel));
  const source = await lstat(from).catch(() => null);
  if (source === null) throw new PantherError('not-in-snapshot', `${rel} does not exist in ${name}`, { hint: `panther snapshot diff shows what changed; ls ${stored.path}` });
  const result: RestoreFileResult = { snapshot: name, from, to, restored: [], unchanged: [], skippedNewer: [] };
  await mkdir(dirname(to), { recursive: true });
  await restoreEntry(from, to, opts.overwriteNewer, result);
  return result;
}

async function restoreEntry(from: string, to: string, overwriteNewer: boolean, result: RestoreFileResult): Promise<void> {
  const src = await lstat(from);
  const dst = await lstat(to).catch(() => null);
  if (src.isDirectory()) {
    if (dst === null) {
      await mkdir(to);
      await chmod(to, src.mode & 0o7777);
      await lchown(to, src.uid, src.gid);
      result.restored.push(to);
    }
    for (const child of await readdir(from)) await restoreEntry(join(from, child), join(to, child), overwriteNewer, result);
    if (dst === null) await lutimes(to, src.atime, src.mtime);
    return;
  }
  if (dst !== null) {
    if (dst.size === src.size && Math.trunc(dst.mtimeMs) === Math.trunc(src.mtimeMs) && dst.mode === src.mode) { result.unchanged.push(to); return; }
    if (dst.mtimeMs > src.mtimeMs && !overwriteNewer) { result.skippedNewer.push(to); return; }
  }
  const tmp = join(dirname(to), `.${basename(to)}.panther-restore-${randomBytes(4).toString('hex')}`);
  try {
    if (src.isSymbolicLink()) await symlink(await readlink(from), tmp);
    else {
      // FICLONE: a reflink when source and target share the filesystem, a copy otherwise.
      await copyFile(from, tmp, constants.COPYFILE_FICLONE);
      await chmod(tmp, src.mode & 0o7777);
    }
    await lchown(tmp, src.uid, src.gid);
    await lutimes(tmp, src.atime, src.mtime);
    await rename(tmp, to);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  result.restored.push(to);
}
