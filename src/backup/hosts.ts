// Which hosts a repository location holds: the `<host>/` prefixes that have a config object
// (docs/FORMAT.md §2). Lets a command on a one-host repository go without --host. Names come from a
// directory or a bucket: hostile until they pass the host-name rule.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PantherError } from '../core/errors.ts';
import { assertHost, configName } from '../repo/names.ts';
import { openBackend, openS3Stack } from '../repo/backend/open.ts';

function isHostName(name: string): boolean {
  try { assertHost(name); return true; } catch { return false; }
}

/** The hosts with a repository at `url`, sorted; [] when there is nothing (a local path need not exist). */
export async function repositoryHosts(url: string, env: Record<string, string | undefined> = process.env): Promise<string[]> {
  if (/^s3:\/\//i.test(url)) {
    const [{ store, backend }, { listTopLevelPrefixes }] = await Promise.all([openS3Stack(url, { env }), import('../repo/backend/s3-hosts.ts')]);
    const candidates = (await listTopLevelPrefixes(store)).filter(isHostName);
    const found = await Promise.all(candidates.map(async (h) => ((await backend.head(configName(h))) === null ? null : h)));
    return found.filter((h): h is string => h !== null).sort();
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith('file://')) await openBackend(url, env); // refuses it, with the reason
  const root = url.replace(/^file:\/\//, '');
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw new PantherError('repo-unreadable', `repository directory ${root} cannot be read (${code ?? 'error'})`, {
      subject: root, cause: error, hint: 'check the path and that this user may read it, or pass --host NAME',
    });
  }
  const found = await Promise.all(entries.filter((e) => e.isDirectory() && isHostName(e.name)).map(async (e) =>
    ((await stat(join(root, e.name, 'config')).catch(() => null))?.isFile() === true ? e.name : null)));
  return found.filter((h): h is string => h !== null).sort();
}
