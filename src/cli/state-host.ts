// `backup status` and `cost` read per-host files in the state directory (backup-<host>.json,
// cost-<host>.json), not the repository. Like the repository commands, they need no --host when the
// directory holds exactly one host's file.
import { readdir } from 'node:fs/promises';
import { ExitCode, PantherError } from '../core/errors.ts';
import type { Io } from './command.ts';

/** The one host with a `<kind>-<host>.json` file in `dir`; an error naming them when none or several. */
export async function onlyStateHost(dir: string, kind: 'backup' | 'cost', io: Io): Promise<string> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const pattern = new RegExp(`^${kind}-([a-z0-9][a-z0-9-]{0,62})\\.json$`);
  const hosts = names.flatMap((n) => pattern.exec(n)?.[1] ?? []).sort();
  if (hosts.length === 1) {
    io.err(`using host ${hosts[0]}, the only host in the state directory ${dir}`);
    return hosts[0]!;
  }
  if (hosts.length === 0) {
    throw new PantherError('usage', `which host? the state directory ${dir} holds no ${kind}-<host>.json`, { exitCode: ExitCode.usage, hint: 'pass --host NAME or --plan FILE (or --state-dir DIR where `backup run` keeps its state)' });
  }
  throw new PantherError('usage', `which host? the state directory ${dir} holds ${hosts.length} hosts: ${hosts.join(', ')}`, {
    exitCode: ExitCode.usage, hint: `pass --host NAME, e.g. --host ${hosts[0]}`, details: { hosts },
  });
}
