// The backend stack, built here and nowhere else: a repository URL → the store that holds the
// objects (a local directory, or S3 / Backblaze B2), and the wrappers around it in one fixed order:
//
//   store → metered → limit → retry → spool → the repository
//   (innermost)                                (outermost)
//
// Why this order (open.test.ts holds each reason to account):
// - retry is outside the meter and the cap because it is the layer that repeats calls: every layer
//   below sees every attempt. A put that fails twice and then lands is three puts to the store.
// - metered sits right around the store, so each of those attempts is counted as the request it is
//   (B2 bills calls, failed ones included, and their bytes used the link): metered.ts's promise.
// - limit sits inside retry, so the bandwidth cap applies to every byte sent, a retried put's body
//   again included: the cap is a share of the link, and a re-send uses the link like the first try.
//   Its byte count is therefore bytes sent over the link, retries included.
// - limit outside metered: the meter counts what reaches the store, the cap paces it; swapping the two
//   would change neither the counts nor the pacing, and this keeps the meter next to the store.
// - spool is outermost because its stage ends in a put through every layer: a spooled pack is put
//   as a body read from its file, which retry repeats, limit paces and metered counts like any put.
// Only S3 stores get the retry and spool layers: a local directory's errors are not transient, and
// its stage is a file already (local.ts). The meter and the
// cap are there when asked for (backup run, the demo's offsite step), for either store.
//
// Below this stack, inside the S3 store: the parts of a multipart upload are retried there, a
// spooled pack's by reading the part's range of the file again (s3.ts), a plain stream's by the SDK
// from its own buffers (retry-sdk.ts). The meter estimates their number from the put's size (the
// S3 store's part size, filled in here) and does not see a part's re-send; the cap paces every read
// of a spooled body (a re-sent part included), and a plain stream once. S3Backend.stats counts every
// request actually sent.
//
// The spool directory is <state dir>/spool (PANTHER_STATE_DIR, else /var/lib/panther/state): the
// backup service's StateDirectory, on disk.
//
// Locations: a directory (or file://DIR), or s3://BUCKET[/PREFIX]?region=…[&endpoint=…]
// [&credentials=FILE][&partSize=16MiB][&queueSize=4][&maxAttempts=10][&timeout=120] (full form in
// s3-url.ts). The S3 SDK is loaded only when an s3:// URL is used.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode, PantherError } from '../../core/errors.ts';
import { mkdirPrivate } from '../../core/private-dir.ts';
import { stateDirFrom } from '../../core/defaults.ts';
import { redactUrl } from '../../core/redact-url.ts';
import type { Backend } from './backend.ts';
import { LimitBackend, type LimitOptions } from './limit.ts';
import { LocalBackend } from './local.ts';
import { MeteredBackend, type MeteredOptions } from './metered.ts';
import { RetryBackend, RetryPolicy, type RetryOptions } from './retry.ts';
import type { S3Backend } from './s3.ts';
import { SpoolBackend, type SpoolOptions } from './spool.ts';

// S3_DEFAULTS.partSize, without loading the SDK to read it.
const S3_PART_SIZE = 16 * 1024 * 1024;

/** The wrappers to put around a store; each absent (null) layer is left out. */
export interface StackLayers {
  metered?: MeteredOptions | null;
  limit?: LimitOptions | null;
  retry?: RetryPolicy | null;
  /** Stages spooled to files (spool.ts). */
  spool?: SpoolOptions | null;
}

/** A composed stack: `backend` for the repository, the layers for their statistics. */
export interface BackendStack<S extends Backend = Backend> {
  /** The outermost layer: what the repository reads and writes through. */
  backend: Backend;
  /** The innermost: the store that holds the objects. */
  store: S;
  metered: MeteredBackend | null;
  limited: LimitBackend | null;
  retry: RetryBackend | null;
  spool: SpoolBackend | null;
}

/** `store` wrapped in the fixed order store → metered → limit → retry → spool (see the top of this file). */
export function composeBackend<S extends Backend>(store: S, layers: StackLayers = {}): BackendStack<S> {
  const metered = layers.metered == null ? null : new MeteredBackend(store, layers.metered);
  const belowLimit: Backend = metered ?? store;
  const limited = layers.limit == null ? null : new LimitBackend(belowLimit, layers.limit);
  const belowRetry: Backend = limited ?? belowLimit;
  const retry = layers.retry == null ? null : new RetryBackend(belowRetry, layers.retry);
  const belowSpool: Backend = retry ?? belowRetry;
  const spool = layers.spool == null ? null : new SpoolBackend(belowSpool, layers.spool);
  return { backend: spool ?? belowSpool, store, metered, limited, retry, spool };
}

export interface OpenBackendOptions {
  env?: Record<string, string | undefined>;
  /** Count calls and bytes per UTC day (the cost ledger); true = defaults. */
  meter?: boolean | Omit<MeteredOptions, 'multipart'>;
  /** Cap (and count) transfers. */
  limit?: LimitOptions;
  /** Overrides of an S3 store's retry policy (tests: no real sleeping). */
  retry?: Partial<RetryOptions>;
  /** Where an S3 stack spools packs before their upload; default <state dir>/spool. */
  spoolDir?: string;
}

/** The stack for a repository URL: the store it names, wrapped as asked. */
export async function openBackendStack(url: string, options: OpenBackendOptions = {}): Promise<BackendStack> {
  if (/^s3:\/\//i.test(url)) return openS3Stack(url, options);
  return composeBackend(await openLocalStore(url), { metered: meterOptions(options.meter, null), limit: options.limit ?? null });
}

/** Just the stack's outermost backend, with no meter and no cap (retries for S3). */
export async function openBackend(url: string, env: Record<string, string | undefined> = process.env): Promise<Backend> {
  return (await openBackendStack(url, { env })).backend;
}

/** The stack over an S3 store: the SDK's multipart parts share the retry policy of the whole operations. */
export async function openS3Stack(url: string, options: OpenBackendOptions = {}): Promise<BackendStack<S3Backend>> {
  const [{ parseS3Location }, { S3Backend }, { readS3Credentials }] = await Promise.all([
    import('./s3-url.ts'), import('./s3.ts'), import('./s3-credentials.ts'),
  ]);
  const env = options.env ?? process.env;
  const { config, credentialsShown } = parseS3Location(url, env);
  const partSize = config.partSize ?? S3_PART_SIZE;
  const policy = new RetryPolicy({
    bufferLimit: partSize, ...(config.maxAttempts === undefined ? {} : { maxAttempts: config.maxAttempts }), ...options.retry,
  });
  const store = new S3Backend(config, await readS3Credentials(config.credentialsFile, credentialsShown), policy);
  // A put of more than one part goes up as create + parts + complete (s3.ts), and is billed so.
  const multipart = { thresholdBytes: partSize, partBytes: partSize };
  const spool = { dir: options.spoolDir ?? join(stateDirFrom(undefined, env), 'spool') };
  return composeBackend(store, { metered: meterOptions(options.meter, multipart), limit: options.limit ?? null, retry: policy, spool });
}

function meterOptions(meter: OpenBackendOptions['meter'], multipart: MeteredOptions['multipart']): MeteredOptions | null {
  if (meter === undefined || meter === false) return null;
  return { ...(meter === true ? {} : meter), multipart };
}

async function openLocalStore(url: string): Promise<LocalBackend> {
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
