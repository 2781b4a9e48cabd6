import { join, normalize } from 'node:path';
import { PantherError } from '../core/errors.ts';

/** A plan's absolute path placed below --root, refusing anything that would climb out of it. */
export function underRoot(root: string, target: string): string {
  const clean = normalize(`/${target}`);
  if (clean.split('/').includes('..') || target.includes('\0')) {
    throw new PantherError('unsafe-path', `${JSON.stringify(target)} escapes the root`, { hint: 'mount points are absolute paths without ".."' });
  }
  return clean === '/' ? normalize(root) : join(root, clean);
}

/** The inverse: a path below root as the plan would name it ("/home"). */
export function relativeToRoot(root: string, path: string): string | null {
  const r = normalize(root).replace(/\/+$/, '') || '/';
  if (path === r) return '/';
  if (r === '/') return path;
  return path.startsWith(`${r}/`) ? path.slice(r.length) : null;
}
