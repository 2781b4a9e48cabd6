// Opens a host's repository from a location and secret files. Secrets are read from files (agenix,
// sops-nix, OpNix paths), never taken on argv, and never logged.
//
// Locations: a directory (or file://DIR) for the local backend, or an S3 / Backblaze B2 URL
//   s3://BUCKET[/PREFIX]?region=us-west-004[&endpoint=https://s3.us-west-004.backblazeb2.com]
//        [&credentials=/run/secrets/b2][&partSize=16MiB][&queueSize=4][&maxAttempts=10][&timeout=120]
// whose credentials file (key id and application key on two lines, or JSON {keyId, applicationKey})
// comes from credentials= or $PANTHER_S3_CREDENTIALS_FILE; the full form is in repo/backend/s3-url.ts.
// The backend under the repository (store, meter, cap, retries, in that order) is built by
// repo/backend/open.ts: B2's 503s and dropped connections are retried with backoff, and a run that
// still cannot reach the bucket stops with backend-unavailable and resumes next time.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode, PantherError } from '../core/errors.ts';
import { warnIfSecretOpen } from '../core/secret-file.ts';
import { initRepository, openRepository, type Repository, type RepositoryLocking, type RepositoryReader, type RepositoryWriter } from '../repo/index.ts';
import { openBackendStack, type BackendStack, type OpenBackendOptions } from '../repo/backend/open.ts';
import type { LimitBackend } from '../repo/backend/limit.ts';
import type { MeteredBackend } from '../repo/backend/metered.ts';

export interface RepoLocation {
  /** A local directory, file://DIR, or s3://BUCKET/PREFIX?… (see above). */
  url: string;
  host: string;
  passphraseFile?: string;
  identityFile?: string;
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
  await warnIfSecretOpen(path, what);
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

/** Opens the repository over the plain stack (retries for S3; no meter, no cap), keys and backend included. */
export async function openRepo(loc: RepoLocation): Promise<Repository> {
  return (await openRepoStack(loc)).repo;
}

/** The repository to read (list, restore, check) under its lock: the type has nothing that writes data. */
export async function openRepoReader(loc: RepoLocation): Promise<RepositoryReader & RepositoryLocking> {
  return openRepo(loc);
}

/** The repository to write (backup, prune, repair) under its lock, without its keys or its raw backend. */
export async function openRepoWriter(loc: RepoLocation): Promise<RepositoryWriter & RepositoryLocking> {
  return openRepo(loc);
}

/** Opens the repository over a stack with the layers asked for (meter, cap), and hands back both. */
export async function openRepoStack(loc: RepoLocation, options: Omit<OpenBackendOptions, 'env'> = {}): Promise<{ repo: Repository; stack: BackendStack }> {
  const stack = await openBackendStack(loc.url, options);
  return { repo: await openRepository(stack.backend, { host: loc.host, identity: await identity(loc) }), stack };
}

/**
 * The repository to back up into, metered (the cost ledger) and capped: the writer's view, the
 * meter's usage and the cap's statistics, and neither the keys nor the raw backend. A remote
 * repository's packs are spooled under the run's state directory (`<stateDir>/spool`).
 */
export async function openMeteredWriter(loc: RepoLocation, uploadBitsPerSecond: number | null, stateDir?: string): Promise<{ repo: RepositoryWriter & RepositoryLocking; limited: LimitBackend; metered: MeteredBackend }> {
  const spool = stateDir === undefined ? {} : { spoolDir: join(stateDir, 'spool') };
  const { repo, stack } = await openRepoStack(loc, { meter: true, limit: { uploadBitsPerSecond }, ...spool });
  return { repo, limited: stack.limited!, metered: stack.metered! };
}

export async function initRepo(loc: RepoLocation & { recipients: string[] }, scryptLogN?: number): Promise<Repository> {
  const passphrase = loc.passphraseFile === undefined ? undefined : await readSecret(loc.passphraseFile, 'passphrase');
  return initRepository((await openBackendStack(loc.url)).backend, {
    host: loc.host, recipients: loc.recipients,
    ...(passphrase === undefined ? {} : { passphrase }),
    ...(scryptLogN === undefined ? {} : { scryptLogN }),
  });
}
