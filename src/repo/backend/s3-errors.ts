// S3 failures as PantherErrors a user can act on. Each names the object and says what to do; each
// carries `details.retryable` so RetryBackend knows whether another attempt can help.
//
// Credentials never reach an error: messages are scrubbed of the key id and application key, and
// the SDK's error object (whose $response holds the signed Authorization header) is not kept as
// `cause` — only its name, status and request id are.
import { PantherError } from '../../core/errors.ts';
import { notFound } from './backend.ts';
import { isTransient } from './retry-classify.ts';

export type S3Op = 'put' | 'get' | 'head' | 'list' | 'delete' | 'lifecycle' | 'versions';

export interface S3ErrorContext {
  op: S3Op;
  /** Object name as the repository knows it (without the bucket prefix). */
  name: string;
  bucket: string;
  /** Bucket prefix + name: what the key must be allowed to touch. */
  key: string;
  endpoint: string;
  secrets: readonly string[];
}

/** B2 capabilities an operation needs (docs/knowledge/backblaze-b2.md §3). */
const CAPABILITY: Record<S3Op, string> = {
  put: 'writeFiles',
  get: 'readFiles',
  head: 'readFiles',
  list: 'listFiles (and listAllBucketNames for a bucket-restricted key)',
  delete: 'deleteFiles (with writeFiles)',
  lifecycle: 'readBuckets (reading bucket settings)',
  versions: 'listFiles',
};

interface SdkLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { headers?: Record<string, string | undefined> };
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}

function summary(error: unknown, secrets: readonly string[]): { code: string; status: number | undefined; message: string; requestId: string | undefined } {
  const e = (error ?? {}) as SdkLike;
  // Node's errno code says more than the name the SDK gives a reset socket ("TimeoutError").
  const code = typeof e.code === 'string' && /^E[A-Z_]+$/.test(e.code) ? e.code
    : typeof e.name === 'string' && e.name !== 'Error' ? e.name : typeof e.code === 'string' ? e.code : 'Error';
  const raw = typeof e.message === 'string' && e.message !== '' && e.message !== 'UnknownError' ? e.message : code;
  return { code, status: e.$metadata?.httpStatusCode, message: redact(raw, secrets), requestId: e.$metadata?.requestId };
}

export function mapS3Error(error: unknown, ctx: S3ErrorContext): PantherError {
  if (error instanceof PantherError) return error;
  const s = summary(error, ctx.secrets);
  const what = `${ctx.op} ${ctx.name === '' ? `${ctx.bucket}/${ctx.key}` : ctx.name}`;
  const retryAfter = (error as SdkLike).$response?.headers?.['retry-after'];
  const details = {
    op: ctx.op, object: ctx.name, bucket: ctx.bucket, key: ctx.key, status: s.status, s3Code: s.code, reason: s.code,
    ...(s.requestId === undefined ? {} : { requestId: s.requestId }),
    ...(retryAfter === undefined || !Number.isFinite(Number(retryAfter)) ? {} : { retryAfterMs: Number(retryAfter) * 1000 }),
  };
  const make = (code: string, message: string, hint: string, retryable = false): PantherError =>
    new PantherError(code, message, { subject: ctx.name === '' ? ctx.key : ctx.name, hint, details: { ...details, retryable } });

  if (s.code === 'NoSuchBucket') {
    return make('s3-no-bucket', `${what}: bucket ${ctx.bucket} does not exist at ${ctx.endpoint}`,
      'bucket does not exist; create it in the B2 console (we never create buckets at run time), or fix the bucket name in the repository URL');
  }
  if (s.code === 'NoSuchKey' || (s.status === 404 && ctx.op === 'get')) return notFound(ctx.name);
  if (s.code === 'InvalidAccessKeyId') {
    return make('s3-bad-credentials', `${what}: the key id is not accepted (${s.message})`,
      'check the key id in the credentials file; the master application key is not accepted by the S3 API: create an application key in the B2 console');
  }
  if (s.code === 'SignatureDoesNotMatch') {
    return make('s3-bad-credentials', `${what}: the application key does not match the key id (${s.message})`,
      'the credentials file holds a wrong or truncated application key; B2 shows a key only once, so create a new one if it is lost');
  }
  if (s.code === 'RequestTimeTooSkewed') {
    return make('s3-clock-skew', `${what}: this machine's clock is too far off (${s.message})`,
      'signed requests are refused when the clock is off by more than 15 minutes; enable time sync (systemd-timesyncd or chrony)');
  }
  if (s.status === 403 || s.code === 'AccessDenied') {
    return make('s3-access-denied', `${what}: access denied (${s.status ?? '403'} ${s.code})`,
      `the application key lacks capability ${CAPABILITY[ctx.op]} or is restricted to another bucket or name prefix; it must allow ${ctx.bucket}/${ctx.key}`);
  }
  if (s.status === 400 && /unsupported header/i.test(s.message) || s.status === 501) {
    return make('s3-rejected', `${what}: the server refused the request (${s.status} ${s.code}: ${s.message})`,
      'B2 rejects checksum, conditional-write and tagging headers; this client must not send them: this is a bug, please report it');
  }
  if (s.code === 'ENOTFOUND') {
    return make('s3-endpoint-unknown', `${what}: the endpoint ${ctx.endpoint} does not resolve`,
      'check the endpoint in the repository URL (B2: https://s3.<region>.backblazeb2.com)');
  }
  if (isTransient(error)) {
    return make('s3-unavailable', `${what}: ${s.status === undefined ? '' : `${s.status} `}${s.code}: ${s.message}`,
      'the service is busy or the connection broke; this is retried', true);
  }
  return make('s3-error', `${what}: ${s.status === undefined ? '' : `${s.status} `}${s.code}: ${s.message}`,
    `the S3 service at ${ctx.endpoint} refused the request`);
}

/** A body shorter than announced: the connection broke mid-transfer. */
export function shortRead(name: string, got: number, expected: number): PantherError {
  return new PantherError('s3-short-read', `get ${name}: received ${got} of ${expected} bytes`, {
    subject: name, hint: 'the connection broke mid-transfer; this is retried', details: { retryable: true, reason: 'short-read' },
  });
}
