// Opens a host's repository from a location and secret files. Secrets are read from files (agenix,
// sops-nix, OpNix paths), never taken on argv, and never logged.
import { readFile, mkdir } from 'node:fs/promises';
import { ExitCode, PantherError } from '../core/errors.ts';
import { initRepository, LocalBackend, openRepository, type Repository } from '../repo/index.ts';
import type { Backend } from '../repo/index.ts';

export interface RepoLocation {
  /** A local directory; later an s3:// URL. */
  url: string;
  host: string;
  passphraseFile?: string;
  identityFile?: string;
}

export async function openBackend(url: string): Promise<Backend> {
  if (/^[a-z0-9]+:\/\//i.test(url) && !url.startsWith('file://')) {
    throw new PantherError('backend-unsupported', `${url}: only local repositories are supported so far`, {
      exitCode: ExitCode.usage, hint: 'pass a directory, e.g. --repo /var/lib/panther/repo',
    });
  }
  const path = url.replace(/^file:\/\//, '');
  await mkdir(path, { recursive: true });
  return new LocalBackend(path);
}

export async function readSecret(path: string, what: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new PantherError('secret-unreadable', `${what} file ${path} cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, {
      cause, hint: `check the path and that this user may read it (agenix/sops-nix put secrets under /run/secrets)`,
    });
  }
  // Secret files usually end with a newline that is not part of the secret.
  const secret = text.replace(/\r?\n$/, '');
  if (secret.length === 0) throw new PantherError('secret-empty', `${what} file ${path} is empty`, { hint: 'write the secret into it' });
  return secret;
}

async function identity(loc: RepoLocation): Promise<{ passphrase: string } | { identity: string }> {
  if (loc.identityFile !== undefined) {
    const text = await readSecret(loc.identityFile, 'age identity');
    const line = text.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'));
    if (line === undefined) throw new PantherError('identity-invalid', `${loc.identityFile} holds no AGE-SECRET-KEY- line`, { hint: 'generate one with age-keygen -o FILE' });
    return { identity: line.trim() };
  }
  if (loc.passphraseFile !== undefined) return { passphrase: await readSecret(loc.passphraseFile, 'passphrase') };
  throw new PantherError('no-secret', 'no key given for the repository', {
    exitCode: ExitCode.usage, hint: 'pass --passphrase-file FILE or --identity-file FILE (or set PANTHER_PASSPHRASE_FILE)',
  });
}

export async function openRepo(loc: RepoLocation): Promise<Repository> {
  return openRepository(await openBackend(loc.url), { host: loc.host, identity: await identity(loc) });
}

export async function initRepo(loc: RepoLocation & { recipients: string[] }, scryptLogN?: number): Promise<Repository> {
  const passphrase = loc.passphraseFile === undefined ? undefined : await readSecret(loc.passphraseFile, 'passphrase');
  return initRepository(await openBackend(loc.url), {
    host: loc.host, recipients: loc.recipients,
    ...(passphrase === undefined ? {} : { passphrase }),
    ...(scryptLogN === undefined ? {} : { scryptLogN }),
  });
}
