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
//   URLs end up in argv, shell history, unit files and logs.
// - timeout is the socket inactivity limit in seconds.
import { ExitCode, PantherError } from '../../core/errors.ts';
import { parseBytes } from '../../core/bytes.ts';
import { objectNameProblem } from './backend.ts';
import type { S3BackendConfig } from './s3.ts';

export const S3_CREDENTIALS_ENV = 'PANTHER_S3_CREDENTIALS_FILE';
const KNOWN = new Set(['endpoint', 'region', 'credentials', 'partSize', 'queueSize', 'maxAttempts', 'timeout']);
const SECRET_LOOKING = /key|secret|token|password|passwd/i;
const B2_HOST = /^s3\.([a-z0-9-]+)\.backblazeb2\.com$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function bad(url: string, problem: string, hint: string): PantherError {
  return new PantherError('bad-repository-url', `repository URL ${url}: ${problem}`, { exitCode: ExitCode.usage, hint });
}

/** The URL with any user:password@ part removed, safe to print. */
export function describeS3Url(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//[redacted]@');
}

export function parseS3Url(text: string, env: Record<string, string | undefined> = process.env): S3BackendConfig {
  const shown = describeS3Url(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad(shown, 'not a URL', 'write s3://BUCKET/PREFIX?region=REGION&credentials=FILE');
  }
  if (url.protocol !== 's3:') throw bad(shown, 'not an s3:// URL', 'write s3://BUCKET/PREFIX?region=REGION');
  if (url.username !== '' || url.password !== '') {
    throw bad(shown, 'holds credentials', 'never put keys in a URL; write them into a file and pass its path as credentials=FILE or $PANTHER_S3_CREDENTIALS_FILE');
  }
  const q = url.searchParams;
  for (const name of q.keys()) {
    if (name !== 'credentials' && SECRET_LOOKING.test(name)) {
      throw bad(shown.split('?')[0]!, `parameter "${name}" looks like a secret`, 'secrets come from files only: credentials=FILE');
    }
    if (!KNOWN.has(name)) throw bad(shown, `unknown parameter "${name}"`, `known: ${[...KNOWN].join(', ')}`);
  }
  const bucket = url.hostname;
  if (!/^[A-Za-z0-9][A-Za-z0-9.-]{1,61}[A-Za-z0-9]$/.test(bucket)) throw bad(shown, `"${bucket}" is not a bucket name`, 'bucket names are 3–63 letters, digits, dots or hyphens');
  const prefix = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
  if (prefix !== '' && objectNameProblem(prefix.replace(/\/$/, '')) !== undefined) {
    throw bad(shown, `prefix "${prefix}" ${objectNameProblem(prefix.replace(/\/$/, ''))}`, 'the prefix is a path of [A-Za-z0-9._-] segments');
  }

  let endpoint = q.get('endpoint') ?? undefined;
  let region = q.get('region') ?? undefined;
  if (endpoint !== undefined) {
    let parsed: URL;
    try { parsed = new URL(endpoint); } catch { throw bad(shown, `endpoint "${endpoint}" is not a URL`, 'write endpoint=https://s3.REGION.backblazeb2.com'); }
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname))) {
      throw bad(shown, `endpoint ${endpoint} is not https`, 'use https; plain http is accepted only for a server on this machine (127.0.0.1)');
    }
    region ??= B2_HOST.exec(parsed.hostname)?.[1];
    endpoint = parsed.origin;
  } else if (region !== undefined) {
    endpoint = `https://s3.${region}.backblazeb2.com`;
  }
  if (endpoint === undefined || region === undefined) {
    throw bad(shown, 'needs region= (and endpoint= for a service other than B2)', 'the B2 console shows the endpoint of the bucket, e.g. s3.us-west-004.backblazeb2.com → region=us-west-004');
  }
  const credentialsFile = q.get('credentials') ?? env[S3_CREDENTIALS_ENV];
  if (credentialsFile === undefined || credentialsFile === '') {
    throw bad(shown, 'no credentials file', `pass credentials=FILE in the URL or set ${S3_CREDENTIALS_ENV}; the file holds the key id and the application key on two lines`);
  }

  const config: S3BackendConfig = { endpoint, region, bucket, prefix, credentialsFile };
  const number = (name: string, min: number, max: number, read: (v: string) => number = Number): number | undefined => {
    const value = q.get(name);
    if (value === null) return undefined;
    const n = read(value);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw bad(shown, `${name}=${value} is outside ${min}–${max}`, 'see the repository URL form in the documentation');
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
  return config;
}
