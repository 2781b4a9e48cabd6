import { join, normalize, resolve } from 'node:path';
import { ExitCode, PantherError } from '../core/errors.ts';

function escapes(what: string, value: string, where: string): PantherError {
  return new PantherError('unsafe-path', `${what} ${JSON.stringify(value)} would resolve outside ${where}`, {
    subject: value, exitCode: ExitCode.refused,
    hint: 'names and mount points are plain paths without "." or ".." segments, empty segments or NUL; run panther lint on the plan',
  });
}

/** Segments that could climb out of (or wander within) the directory they are joined to. */
function badSegments(path: string, allowEmpty: boolean): boolean {
  if (path.includes('\0')) return true;
  return path.split('/').some((s) => s === '..' || s === '.' || (!allowEmpty && s === ''));
}

/** A plan's absolute path placed below --root, refusing anything that would climb out of it. */
export function underRoot(root: string, target: string): string {
  // The raw path is checked, not a normalised one: normalize("/a/../..") silently becomes "/".
  if (!target.startsWith('/') || badSegments(target, true)) throw escapes('mount point', target, `the root ${root}`);
  const clean = normalize(target);
  const full = clean === '/' ? normalize(root) : join(root, clean);
  if (!isInside(root, full)) throw escapes('mount point', target, `the root ${root}`);
  return full;
}

/**
 * A subvolume name (and file below it) joined to the mounted top level of a pool. Refuses absolute
 * names, "..", "." and empty segments: join() would otherwise happily leave the pool, and
 * `btrfs subvolume create` would make the subvolume on whatever filesystem lies there.
 */
export function underPool(top: string, ...names: string[]): string {
  for (const name of names) {
    if (name === '' || name.startsWith('/') || badSegments(name, false)) throw escapes('subvolume path', name, `the pool mounted at ${top}`);
  }
  const full = join(top, ...names);
  if (!isInside(top, full) || full === normalize(top)) throw escapes('subvolume path', names.join('/'), `the pool mounted at ${top}`);
  return full;
}

function isInside(dir: string, path: string): boolean {
  const d = resolve(dir);
  const p = resolve(path);
  return p === d || p.startsWith(d === '/' ? '/' : `${d}/`);
}

/** The inverse: a path below root as the plan would name it ("/home"). */
export function relativeToRoot(root: string, path: string): string | null {
  const r = normalize(root).replace(/\/+$/, '') || '/';
  if (path === r) return '/';
  if (r === '/') return path;
  return path.startsWith(`${r}/`) ? path.slice(r.length) : null;
}
