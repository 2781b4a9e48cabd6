// Repository URLs for S3 / Backblaze B2:
//
//   s3://BUCKET[/PREFIX]?region=us-west-004[&endpoint=https://s3.us-west-004.backblazeb2.com]
//        [&credentials=/run/secrets/b2][&partSize=16MiB][&queueSize=4][&maxAttempts=10][&timeout=120]
//
// - BUCKET must exist: we never create buckets at run time.
// - PREFIX (optional) goes before the `<host>/` names, e.g. s3://backups/panther → panther/<host>/….
// - region: from the query, or read from a B2 endpoint (s3.<region>.backblazeb2.com); endpoint: from
//   the query, or the B2 endpoint of the region. Plain http:// only to loopback (local test servers).
// - credentials: the path of a credentials file (s3-credentials.ts), else $PANTHER_S3_CREDENTIALS_FILE.
//   The URL never holds a secret: user:password@ and secret-looking parameters are refused, because
//   URLs end up in argv, shell history, unit files and logs. Messages show the URL through redactUrl
//   (nothing before the last '@', no query value) and never echo a value: a value may be a pasted key,
//   so a credentials= path is named as "the credentials= file", never printed.
// - timeout is the socket inactivity limit in seconds.
import { ExitCode, PantherError } from '../../core/errors.ts';
import { parseBytes } from '../../core/bytes.ts';
import { redactUrl, REPOSITORY_URL_PARAMETERS } from '../../core/redact-url.ts';
import { objectNameProblem } from './backend.ts';
import type { S3BackendConfig } from './s3.ts';

export const S3_CREDENTIALS_ENV = 'PANTHER_S3_CREDENTIALS_FILE';
const KNOWN = REPOSITORY_URL_PARAMETERS;
/** Parameters whose values are validated and may appear in messages (an endpoint, a region); not credentials=. */
export const SHOWN_PARAMETERS: ReadonlySet<string> = new Set(['endpoint', 'region', 'partSize', 'queueSize', 'maxAttempts', 'timeout']);
const SECRET_LOOKING = /key|secret|token|password|passwd/i;
const B2_HOST = /^s3\.([a-z0-9-]+)\.backblazeb2\.com$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const REGION = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** How messages name a credentials file given in the URL (its path is a query value: not printed). */
export const URL_CREDENTIALS_FILE = 'the S3 credentials file named by credentials= in the repository URL';

function bad(url: string, problem: string, hint: string): PantherError {
  return new PantherError('bad-repository-url', `repository URL ${redactUrl(url)}: ${problem}`, { exitCode: ExitCode.usage, hint });
}

/** The URL safe to print: nothing before the last '@', no query value (core/redact-url.ts). */
export function describeS3Url(url: string): string {
  return redactUrl(url);
}

export interface S3Location {
  config: S3BackendConfig;
  /** How messages name the credentials file: its path from $PANTHER_S3_CREDENTIALS_FILE, never one from the URL. */
  credentialsShown: string;
}

export function parseS3Url(text: string, env: Record<string, string | undefined> = process.env): S3BackendConfig {
  return parseS3Location(text, env).config;
}

export function parseS3Location(text: string, env: Record<string, string | undefined> = process.env): S3Location {
  const shown = redactUrl(text);
  // Before any parsing: with '/' or '@' in a password no parser finds where the user part ends.
  if (/@/.test(text.split('?', 1)[0]!)) {
    throw bad(shown, 'holds credentials (user:key@)', 'never put keys in a URL; write them into a file and pass its path as credentials=FILE or $PANTHER_S3_CREDENTIALS_FILE');
  }
  if (text.includes('#')) throw bad(shown, 'has a #fragment', 'remove everything from "#" on; secrets come from files only: credentials=FILE');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad(shown, 'not a URL', 'write s3://BUCKET/PREFIX?region=REGION&credentials=FILE');
  }
  if (url.protocol !== 's3:') throw bad(shown, 'not an s3:// URL', 'write s3://BUCKET/PREFIX?region=REGION');
  if (url.username !== '' || url.password !== '' || url.port !== '') {
    throw bad(shown, 'holds credentials', 'never put keys in a URL; write them into a file and pass its path as credentials=FILE or $PANTHER_S3_CREDENTIALS_FILE');
  }
  const q = url.searchParams;
  // Parameters are named by position: a name that is not one of ours may be a pasted key.
  let position = 0;
  for (const name of q.keys()) {
    position++;
    if (KNOWN.has(name)) {
      if (q.getAll(name).length > 1) throw bad(shown, `parameter "${name}" is given twice`, 'give each parameter once');
      continue;
    }
    if (SECRET_LOOKING.test(name)) throw bad(shown, `parameter ${position} looks like a secret (its name holds key, secret, token or password)`, 'secrets come from files only: credentials=FILE');
    throw bad(shown, `parameter ${position} is not one of ${[...KNOWN].join(', ')}`, 'check its spelling (names are case-sensitive)');
  }
  const bucket = url.hostname;
  if (!/^[A-Za-z0-9][A-Za-z0-9.-]{1,61}[A-Za-z0-9]$/.test(bucket)) throw bad(shown, `"${bucket}" is not a bucket name`, 'bucket names are 3–63 letters, digits, dots or hyphens');
  const prefix = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
  if (prefix !== '' && objectNameProblem(prefix.replace(/\/$/, '')) !== undefined) {
    throw bad(shown, `prefix "${prefix}" ${objectNameProblem(prefix.replace(/\/$/, ''))}`, 'the prefix is a path of [A-Za-z0-9._-] segments');
  }

  let endpoint = q.get('endpoint') ?? undefined;
  let region = q.get('region') ?? undefined;
  if (region !== undefined && !REGION.test(region)) throw bad(shown, 'region= is not a region name', 'a region is lowercase letters, digits and "-", e.g. region=us-west-004');
  if (endpoint !== undefined) {
    let parsed: URL;
    try { parsed = new URL(endpoint); } catch { throw bad(shown, 'endpoint= is not a URL', 'write endpoint=https://s3.REGION.backblazeb2.com'); }
    if (parsed.username !== '' || parsed.password !== '') throw bad(shown, 'endpoint= holds credentials', 'secrets come from files only: credentials=FILE');
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname))) {
      throw bad(shown, 'endpoint= is not https', 'use https; plain http is accepted only for a server on this machine (127.0.0.1)');
    }
    region ??= B2_HOST.exec(parsed.hostname)?.[1];
    endpoint = parsed.origin;
  } else if (region !== undefined) {
    endpoint = `https://s3.${region}.backblazeb2.com`;
  }
  if (endpoint === undefined || region === undefined) {
    throw bad(shown, 'needs region= (and endpoint= for a service other than B2)', 'the B2 console shows the endpoint of the bucket, e.g. s3.us-west-004.backblazeb2.com → region=us-west-004');
  }
  const fromUrl = q.get('credentials');
  const credentialsFile = fromUrl ?? env[S3_CREDENTIALS_ENV];
  if (credentialsFile === undefined || credentialsFile === '') {
    throw bad(shown, 'no credentials file', `pass credentials=FILE in the URL or set ${S3_CREDENTIALS_ENV}; the file holds the key id and the application key on two lines`);
  }
  if (fromUrl !== null && !fromUrl.startsWith('/')) {
    throw bad(shown, 'credentials= is not an absolute path', 'credentials= names a file holding the key id and the application key, e.g. credentials=/run/secrets/b2; never the key itself');
  }

  const config: S3BackendConfig = { endpoint, region, bucket, prefix, credentialsFile };
  const number = (name: string, min: number, max: number, read: (v: string) => number = Number): number | undefined => {
    const value = q.get(name);
    if (value === null) return undefined;
    let n: number;
    try { n = read(value); } catch { n = NaN; }
    if (!Number.isSafeInteger(n) || n < min || n > max) throw bad(shown, `${name}= is not a whole number from ${min} to ${max}`, 'see the repository URL form in the documentation');
    return n;
  };
  const partSize = number('partSize', 5 * 1024 * 1024, 5 * 1000 ** 3, (v) => parseBytes(v, 'partSize'));
  const queueSize = number('queueSize', 1, 64);
  const maxAttempts = number('maxAttempts', 1, 100);
  const timeout = number('timeout', 1, 3600);
  if (partSize !== undefined) config.partSize = partSize;
  if (queueSize !== undefined) config.queueSize = queueSize;
  if (maxAttempts !== undefined) config.maxAttempts = maxAttempts;
  if (timeout !== undefined) config.timeoutMs = timeout * 1000;
  return { config, credentialsShown: fromUrl === null ? `S3 credentials file ${credentialsFile} ($${S3_CREDENTIALS_ENV})` : URL_CREDENTIALS_FILE };
}
