// Opens a host's repository from a location and secret files. Secrets are read from files (agenix,
// sops-nix, OpNix paths), never taken on argv, and never logged.
//
// Locations: a directory (or file://DIR) for the local backend, or an S3 / Backblaze B2 URL
//   s3://BUCKET[/PREFIX]?region=us-west-004[&endpoint=https://s3.us-west-004.backblazeb2.com]
//        [&credentials=/run/secrets/b2][&partSize=16MiB][&queueSize=4][&maxAttempts=10][&timeout=120]
// whose credentials file (key id and application key on two lines, or JSON {keyId, applicationKey})
// comes from credentials= or $PANTHER_S3_CREDENTIALS_FILE; the full form is in repo/backend/s3-url.ts.
// S3 backends are wrapped in RetryBackend: B2's 503s and dropped connections are retried with
// backoff, and a run that still cannot reach the bucket stops with backend-unavailable and resumes
// next time. The S3 SDK is loaded only when an s3:// URL is used.
import { readFile, stat } from 'node:fs/promises';
import { ExitCode, PantherError } from '../core/errors.ts';
import { mkdirPrivate } from '../core/private-dir.ts';
import { redactUrl } from '../core/redact-url.ts';
import { warnIfSecretOpen } from '../core/secret-file.ts';
import { initRepository, LocalBackend, openRepository, type Repository } from '../repo/index.ts';
import type { Backend } from '../repo/index.ts';
import type { S3Backend } from '../repo/backend/s3.ts';
import type { RetryBackend } from '../repo/backend/retry.ts';

// S3_DEFAULTS.partSize, without loading the SDK to read it.
const S3_PART_SIZE = 16 * 1024 * 1024;

export interface RepoLocation {
  /** A local directory, file://DIR, or s3://BUCKET/PREFIX?… (see above). */
  url: string;
  host: string;
  passphraseFile?: string;
  identityFile?: string;
}

export async function openBackend(url: string, env: Record<string, string | undefined> = process.env): Promise<Backend> {
  if (/^s3:\/\//i.test(url)) return openS3Backend(url, env);
  // "s3:/…", "b2:…": a URL mistyped, not a directory to create (and print) under the working directory.
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith('file://')) {
    throw new PantherError('backend-unsupported', `${redactUrl(url)}: unsupported repository URL`, {
      exitCode: ExitCode.usage, hint: 'pass a directory (--repo /var/lib/panther/repo, or ./NAME for a relative one) or s3://BUCKET/PREFIX?region=REGION',
    });
  }
  const path = url.replace(/^file:\/\//, '');
  await localDirectory(path);
  return new LocalBackend(path);
}

/** A local repository is a directory: created when missing, refused when the path is anything else. */
async function localDirectory(path: string): Promise<void> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => { if (error.code === 'ENOENT') return null; throw localProblem(path, error); });
  if (info !== null && !info.isDirectory()) {
    throw new PantherError('repo-not-directory', `repository ${path} is not a directory`, {
      subject: path, exitCode: ExitCode.usage,
      hint: 'pass the directory holding the repository (--repo DIR, default /var/lib/panther/repo) or an s3:// URL',
    });
  }
  if (info === null) await mkdirPrivate(path).catch((error: NodeJS.ErrnoException) => { throw localProblem(path, error); });
}

function localProblem(path: string, cause: NodeJS.ErrnoException): PantherError {
  const why = cause.code === 'ENOTDIR' ? 'a part of the path is a file, not a directory' : cause.code ?? 'error';
  return new PantherError('repo-unusable', `repository directory ${path} cannot be used (${why})`, {
    subject: path, cause, exitCode: ExitCode.usage,
    hint: 'pass a directory this user may create and write (--repo DIR) or an s3:// URL',
  });
}

/** The S3 backend of an s3:// URL in RetryBackend; `.inner` is the S3 backend (its stats count every request sent). */
export async function openS3Backend(url: string, env: Record<string, string | undefined> = process.env): Promise<RetryBackend & { inner: S3Backend }> {
  const [{ parseS3Location }, { S3Backend }, { readS3Credentials }, { RetryBackend, RetryPolicy }] = await Promise.all([
    import('../repo/backend/s3-url.ts'), import('../repo/backend/s3.ts'), import('../repo/backend/s3-credentials.ts'), import('../repo/backend/retry.ts'),
  ]);
  const { config, credentialsShown } = parseS3Location(url, env);
  const policy = new RetryPolicy({ bufferLimit: config.partSize ?? S3_PART_SIZE, ...(config.maxAttempts === undefined ? {} : { maxAttempts: config.maxAttempts }) });
  const s3 = new S3Backend(config, await readS3Credentials(config.credentialsFile, credentialsShown), policy);
  return new RetryBackend(s3, policy) as RetryBackend & { inner: S3Backend };
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

/** Opens the repository; `wrap` composes wrappers (bandwidth cap, metering) around the backend. */
export async function openRepo(loc: RepoLocation, wrap: (backend: Backend) => Backend = (b) => b): Promise<Repository> {
  return openRepository(wrap(await openBackend(loc.url)), { host: loc.host, identity: await identity(loc) });
}

export async function initRepo(loc: RepoLocation & { recipients: string[] }, scryptLogN?: number): Promise<Repository> {
  const passphrase = loc.passphraseFile === undefined ? undefined : await readSecret(loc.passphraseFile, 'passphrase');
  return initRepository(await openBackend(loc.url), {
    host: loc.host, recipients: loc.recipients,
    ...(passphrase === undefined ? {} : { passphrase }),
    ...(scryptLogN === undefined ? {} : { scryptLogN }),
  });
}
