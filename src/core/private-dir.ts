// Directories only root (or the owner) may enter. mkdir's mode is masked by the process umask, and a
// umask can take the owner's own bits away too, so every directory created is chmod-ed explicitly.
import { chmod, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * mkdir -p where every directory it creates is exactly 0700 whatever the umask; directories that
 * already exist are left alone. Returns the first directory created (as mkdir -p does), if any.
 */
export async function mkdirPrivate(dir: string): Promise<string | undefined> {
  const first = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (first === undefined) return undefined;
  for (let current = dir; ; current = dirname(current)) {
    await chmod(current, 0o700);
    if (current === first || dirname(current) === current) break;
  }
  return first;
}
