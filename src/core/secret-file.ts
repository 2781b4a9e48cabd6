// Secret files (passphrase, age identity, S3 credentials) should be readable by their owner only.
// One that group or others may read still works, but says so on stderr: nothing else would tell.
import { stat } from 'node:fs/promises';

/** Whether group or others have any access to a file of this mode (a secret should be 0400/0600). */
export function secretModeTooOpen(mode: number): boolean {
  return (mode & 0o077) !== 0;
}

const warned = new Set<string>();

/** Warns once per file when a secret file is open to group or others; true when it warned. */
/** `shown` replaces the path in the message where the path itself must not be printed (it came from a URL). */
export async function warnIfSecretOpen(path: string, what: string, warn: (line: string) => void = (l) => { process.stderr.write(`${l}\n`); }, shown = path): Promise<boolean> {
  const info = await stat(path).catch(() => null);
  if (info === null || !secretModeTooOpen(info.mode) || warned.has(path)) return false;
  warned.add(path);
  warn(`warning: ${what} file ${shown} is mode 0${(info.mode & 0o777).toString(8)}: group or others can read it; chmod 600 ${shown === path ? path : 'it'} (agenix/sops-nix: set the secret's mode to 0400 and its owner)`);
  return true;
}
