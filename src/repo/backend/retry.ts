// Retries for a remote backend. B2 answers 503 "too busy" as a matter of course (docs/knowledge/backblaze-b2.md
// §6.5), home links drop connections, and a nightly run must not fail for either. Policy:
// exponential backoff with full jitter (delay = random(0, min(cap, base·2^n))), so many hosts that
// fail together do not retry together; only transient failures are retried (5xx, 408, 429,
// timeouts, connection resets); a limit on attempts and on total time, after which the run stops
// with `backend-unavailable` and the next run resumes from the last durable pack.
//
// Why retrying is safe: every operation of the Backend interface is idempotent. Repository objects
// are content-addressed (docs/FORMAT.md §2), so a put repeated after a lost response stores the same
// bytes under the same name; get/head/list only read; delete of a missing object is not an error.
// (The one non-content-addressed name, `<host>/config`, is written once by init.)
//
// Streams: a put whose data is a ReplayableBody (a pack spooled to a file: spool.ts) is re-sent
// by reading it again. Another AsyncIterable can be re-sent only if we kept its bytes. We read
// ahead up to `bufferLimit` bytes (one multipart part): a stream that ends within it becomes a
// Uint8Array and is retried like any buffer. A longer stream goes to the inner backend once; the S3
// backend then uploads it in parts and retries each part itself (retry-sdk.ts), because a part is a
// buffer; if that still fails, the put cannot be restarted here and we stop with
// `backend-unavailable` (the pack is simply uploaded again by the next run).
import { PantherError } from '../../core/errors.ts';
import type { Backend, BackendProperties, ByteRange, ObjectInfo, PutData, StagedPut } from './backend.ts';
import { BufferedStage, isReplayable } from './backend.ts';
import { isTransient, retryAfterMs } from './retry-classify.ts';

export { isTransient } from './retry-classify.ts';

export interface RetryOptions {
  /** Attempts per operation, the first included. */
  maxAttempts: number;
  /** Stop retrying once this much time has passed since the operation's first attempt. */
  maxElapsedMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Streams up to this many bytes are buffered so that their put can be retried. */
  bufferLimit: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  onRetry?: (event: RetryEvent) => void;
}

export interface RetryEvent {
  op: string;
  name: string;
  /** The attempt that failed (1 for the first). */
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface RetryStats {
  operations: number;
  retries: number;
  gaveUp: number;
  /** Retries by reason (HTTP status or error code). */
  byReason: Record<string, number>;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 10,
  maxElapsedMs: 15 * 60_000,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  bufferLimit: 16 * 1024 * 1024,
};

const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The backoff schedule and limits, shared by RetryBackend and the SDK strategy for multipart parts. */
export class RetryPolicy {
  readonly options: RetryOptions;
  readonly stats: RetryStats;

  /** `stats` may be shared, so that several policies (whole operations, multipart parts) count together. */
  constructor(options: Partial<RetryOptions> = {}, stats?: RetryStats) {
    this.options = { ...DEFAULT_RETRY, ...options };
    this.stats = stats ?? { operations: 0, retries: 0, gaveUp: 0, byReason: {} };
  }

  now(): number { return (this.options.now ?? Date.now)(); }

  /** Full jitter; a server's Retry-After is honoured up to the cap. */
  delayFor(attempt: number, error: unknown): number {
    const { baseDelayMs, maxDelayMs } = this.options;
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(attempt - 1, 30));
    const jitter = Math.floor((this.options.random ?? Math.random)() * ceiling);
    return Math.max(jitter, Math.min(retryAfterMs(error) ?? 0, maxDelayMs));
  }

  /** The delay before the next attempt, or null when the error is final or the budget is spent. */
  nextDelay(attempt: number, startedAt: number, error: unknown): number | null {
    if (!isTransient(error) || attempt >= this.options.maxAttempts) return null;
    const delay = this.delayFor(attempt, error);
    if (this.now() - startedAt + delay > this.options.maxElapsedMs) return null;
    return delay;
  }

  recordRetry(event: RetryEvent): void {
    this.stats.retries += 1;
    this.stats.byReason[event.reason] = (this.stats.byReason[event.reason] ?? 0) + 1;
    this.options.onRetry?.(event);
  }

  async run<T>(op: string, name: string, attemptFn: (attempt: number) => Promise<T>): Promise<T> {
    this.stats.operations += 1;
    const startedAt = this.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await attemptFn(attempt);
      } catch (error) {
        const delay = this.nextDelay(attempt, startedAt, error);
        if (delay === null) throw this.final(op, name, attempt, startedAt, error);
        this.recordRetry({ op, name, attempt, delayMs: delay, reason: reasonOf(error) });
        await (this.options.sleep ?? sleepMs)(delay);
      }
    }
  }

  /** A transient error that outlasted the budget becomes backend-unavailable; others pass through. */
  final(op: string, name: string, attempts: number, startedAt: number, error: unknown, note = ''): unknown {
    if (!isTransient(error)) return error;
    this.stats.gaveUp += 1;
    return unavailable(op, name, attempts, this.now() - startedAt, error, note);
  }
}

export function unavailable(op: string, name: string, attempts: number, elapsedMs: number, error: unknown, note = ''): PantherError {
  const last = error instanceof Error ? error.message : String(error);
  return new PantherError('backend-unavailable', `${op} ${name} failed ${attempts} time(s) over ${(elapsedMs / 1000).toFixed(1)} s${note}: ${last}`, {
    subject: name,
    hint: 'the storage service is busy or unreachable; nothing durable was lost: the next run resumes from the last uploaded pack',
    details: { op, object: name, attempts, elapsedMs, reason: reasonOf(error) },
    cause: error,
  });
}

/** A short label for statistics: HTTP status, else errno code, else error name. */
export function reasonOf(error: unknown): string {
  const e = error as { details?: { status?: unknown; reason?: unknown }; $metadata?: { httpStatusCode?: unknown }; code?: unknown; name?: unknown } | undefined;
  const status = e?.details?.status ?? e?.$metadata?.httpStatusCode;
  if (typeof status === 'number') return String(status);
  if (typeof e?.details?.reason === 'string') return e.details.reason;
  if (typeof e?.code === 'string') return e.code;
  return typeof e?.name === 'string' ? e.name : 'error';
}

/** A Backend whose operations are retried under a RetryPolicy. */
export class RetryBackend implements Backend {
  readonly inner: Backend;
  readonly policy: RetryPolicy;

  constructor(inner: Backend, policy: RetryPolicy | Partial<RetryOptions> = {}) {
    this.inner = inner;
    this.policy = policy instanceof RetryPolicy ? policy : new RetryPolicy(policy);
  }

  /** The wrapped store's. */
  get properties(): BackendProperties { return this.inner.properties; }

  sweepTemporaries(olderThanMs: number): Promise<number> { return this.inner.sweepTemporaries(olderThanMs); }

  get stats(): RetryStats { return this.policy.stats; }

  /**
   * Held in memory and stored through this layer's put, so a failed upload is retried as any put.
   * A remote stack puts a SpoolBackend outside this layer (open.ts), whose stage spools to a file.
   */
  stage(): StagedPut {
    return new BufferedStage((name, data) => this.put(name, data));
  }

  async put(name: string, data: PutData): Promise<void> {
    // A spooled body is read again from its file by each attempt.
    if (data instanceof Uint8Array || isReplayable(data)) return this.policy.run('put', name, () => this.inner.put(name, data));
    const iterator = data[Symbol.asyncIterator]();
    const head: Uint8Array[] = [];
    let buffered = 0;
    while (buffered <= this.policy.options.bufferLimit) {
      const next = await iterator.next();
      if (next.done === true) {
        const bytes = head.length === 1 ? head[0]! : Buffer.concat(head);
        return this.policy.run('put', name, () => this.inner.put(name, bytes));
      }
      head.push(next.value);
      buffered += next.value.length;
    }
    const startedAt = this.policy.now();
    this.policy.stats.operations += 1;
    try {
      await this.inner.put(name, (async function* () { yield* head; yield* { [Symbol.asyncIterator]: () => iterator }; })());
    } catch (error) {
      await iterator.return?.().catch(() => undefined);
      throw this.policy.final('put', name, 1, startedAt, error, ' (a streamed upload cannot be restarted)');
    }
  }

  get(name: string, range?: ByteRange): Promise<Uint8Array> {
    return this.policy.run('get', name, () => this.inner.get(name, range));
  }

  /** Resumes a broken download from the first byte not yet delivered. */
  async *getStream(name: string, range?: ByteRange): AsyncIterable<Uint8Array> {
    const start = range?.offset ?? 0;
    let delivered = 0;
    let attempt = 1;
    const startedAt = this.policy.now();
    this.policy.stats.operations += 1;
    while (true) {
      const rest: ByteRange | undefined = delivered === 0 ? range
        : { offset: start + delivered, length: range === undefined ? Number.MAX_SAFE_INTEGER - start - delivered : range.length - delivered };
      try {
        for await (const part of this.inner.getStream(name, rest)) {
          delivered += part.length;
          yield part;
        }
        return;
      } catch (error) {
        const delay = this.policy.nextDelay(attempt, startedAt, error);
        if (delay === null) throw this.policy.final('get', name, attempt, startedAt, error);
        this.policy.recordRetry({ op: 'get', name, attempt, delayMs: delay, reason: reasonOf(error) });
        attempt += 1;
        await (this.policy.options.sleep ?? sleepMs)(delay);
      }
    }
  }

  head(name: string): Promise<number | null> {
    return this.policy.run('head', name, () => this.inner.head(name));
  }

  /** Listings are in name order, so a broken one restarts and skips what it already yielded. */
  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    let last: string | undefined;
    let attempt = 1;
    const startedAt = this.policy.now();
    this.policy.stats.operations += 1;
    while (true) {
      try {
        for await (const info of this.inner.list(prefix)) {
          if (last !== undefined && Buffer.compare(Buffer.from(info.name), Buffer.from(last)) <= 0) continue;
          last = info.name;
          yield info;
        }
        return;
      } catch (error) {
        const delay = this.policy.nextDelay(attempt, startedAt, error);
        if (delay === null) throw this.policy.final('list', prefix, attempt, startedAt, error);
        this.policy.recordRetry({ op: 'list', name: prefix, attempt, delayMs: delay, reason: reasonOf(error) });
        attempt += 1;
        await (this.policy.options.sleep ?? sleepMs)(delay);
      }
    }
  }

  delete(name: string): Promise<void> {
    return this.policy.run('delete', name, () => this.inner.delete(name));
  }
}
