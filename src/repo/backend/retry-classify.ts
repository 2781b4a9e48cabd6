// Which failures are worth another attempt. Transient: the server was busy or broken (5xx but 501,
// 429 "slow down", 408 request timeout), the request timed out, or the connection broke (reset, broken
// pipe, refused, temporary DNS failure). Everything else — 4xx, a missing bucket, a wrong key, a bad
// name — fails the same way every time, and retrying it only delays the actionable error.
// 501 is final on purpose: B2 uses it for "a header you provided implies functionality that is not
// implemented" (a bug on our side, not load).

const NETWORK_CODES = new Set([
  'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'ECONNABORTED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'ENETDOWN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_STREAM_PREMATURE_CLOSE',
]);
const TRANSIENT_NAMES = new Set([
  'TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'SlowDown', 'ThrottlingException', 'ServiceUnavailable',
  'InternalError',
]);

interface Inspectable {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  details?: { retryable?: unknown; retryAfterMs?: unknown };
  $metadata?: { httpStatusCode?: unknown };
  $response?: { headers?: Record<string, string | undefined> };
}

export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501);
}

export function isTransient(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== 'object' || depth > 4) return false;
  const e = error as Inspectable;
  // Our own errors say so explicitly; an unflagged PantherError is final.
  if (e.details !== undefined && typeof e.details === 'object') return e.details.retryable === true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number') return isTransientStatus(status);
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  if (typeof e.message === 'string' && /socket hang up|^aborted$|premature close/i.test(e.message)) return true;
  return e.cause !== undefined && isTransient(e.cause, depth + 1);
}

/** A server's Retry-After (seconds or HTTP date) in milliseconds, when it sent one. */
export function retryAfterMs(error: unknown, now = Date.now()): number | undefined {
  const e = error as Inspectable | undefined;
  if (typeof e?.details?.retryAfterMs === 'number') return e.details.retryAfterMs;
  const header = e?.$response?.headers?.['retry-after'];
  if (header === undefined) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
