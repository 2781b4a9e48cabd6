import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PantherError } from '../../core/errors.ts';
import type { Backend, BackendProperties, ByteRange, ObjectInfo, PutData, StagedPut } from './backend.ts';
import { BufferedStage, collect } from './backend.ts';
import { MemoryBackend } from './memory.ts';
import { runBackendConformance } from './conformance.ts';
import { isTransient, RetryBackend, RetryPolicy } from './retry.ts';
import type { RetryOptions } from './retry.ts';

runBackendConformance('retry(memory)', async () => ({ backend: new RetryBackend(new MemoryBackend(), { sleep: async () => {} }) }));

const sdkError = (status: number, name = 'Error'): Error => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
const netError = (code: string): Error => Object.assign(new Error(code === 'ECONNRESET' ? 'socket hang up' : code), { code });

/** Fails the next `failures` calls of each op with `error`, then delegates. */
class Flaky implements Backend {
  readonly inner = new MemoryBackend();
  calls = 0;
  failures: number;
  error: unknown;
  constructor(failures: number, error: unknown) { this.failures = failures; this.error = error; }
  #maybeFail(): void {
    this.calls += 1;
    if (this.failures > 0) { this.failures -= 1; throw this.error; }
  }
  async put(name: string, data: PutData): Promise<void> { const bytes = await collect(data); this.#maybeFail(); await this.inner.put(name, bytes); }
  stage(): StagedPut { return new BufferedStage((name, data) => this.put(name, data)); }
  async get(name: string, range?: ByteRange): Promise<Uint8Array> { this.#maybeFail(); return this.inner.get(name, range); }
  getStream(name: string, range?: ByteRange): AsyncIterable<Uint8Array> { return this.inner.getStream(name, range); }
  async head(name: string): Promise<number | null> { this.#maybeFail(); return this.inner.head(name); }
  list(prefix: string): AsyncIterable<ObjectInfo> { return this.inner.list(prefix); }
  async delete(name: string): Promise<void> { this.#maybeFail(); await this.inner.delete(name); }
  get properties(): BackendProperties { return this.inner.properties; }
  sweepTemporaries(): Promise<number> { return this.inner.sweepTemporaries(); }
}

function quick(extra: Partial<RetryOptions> = {}): { options: Partial<RetryOptions>; sleeps: number[] } {
  const sleeps: number[] = [];
  return { sleeps, options: { baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 5, random: () => 0.5, sleep: async (ms) => { sleeps.push(ms); }, ...extra } };
}

test('classification: 5xx (not 501), 408, 429, resets and timeouts are transient; other 4xx are not', () => {
  for (const status of [500, 502, 503, 504, 408, 429]) assert.ok(isTransient(sdkError(status)), String(status));
  for (const status of [400, 401, 403, 404, 416, 501]) assert.ok(!isTransient(sdkError(status)), String(status));
  for (const code of ['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'EAI_AGAIN']) assert.ok(isTransient(netError(code)), code);
  assert.ok(isTransient(Object.assign(new Error('x'), { name: 'TimeoutError' })));
  assert.ok(isTransient(new Error('socket hang up')));
  assert.ok(!isTransient(netError('ENOTFOUND')));
  assert.ok(!isTransient(new PantherError('object-not-found', 'gone')));
  assert.ok(isTransient(new PantherError('s3-unavailable', 'busy', { details: { retryable: true } })));
  assert.ok(!isTransient(new PantherError('s3-access-denied', 'no', { details: { retryable: false, status: 503 } })));
});

test('backoff is full jitter under an exponential ceiling, capped; Retry-After is honoured', () => {
  const policy = new RetryPolicy({ baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.999 });
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((a) => policy.delayFor(a, sdkError(503))), [99, 199, 399, 799, 999, 999]);
  const low = new RetryPolicy({ baseDelayMs: 100, maxDelayMs: 1000, random: () => 0 });
  assert.equal(low.delayFor(3, sdkError(503)), 0);
  const withHint = Object.assign(sdkError(503), { $response: { headers: { 'retry-after': '0.5' } } });
  assert.equal(low.delayFor(1, withHint), 500);
});

test('transient failures are retried until success', async () => {
  const flaky = new Flaky(3, sdkError(503, 'ServiceUnavailable'));
  const { options, sleeps } = quick();
  const backend = new RetryBackend(flaky, options);
  await backend.put('h/a', Buffer.from('x'));
  assert.equal(flaky.calls, 4);
  assert.deepEqual(sleeps, [50, 100, 200]);
  assert.equal(backend.stats.retries, 3);
  assert.deepEqual(backend.stats.byReason, { 503: 3 });
});

test('after maxAttempts: backend-unavailable that says the run resumes next time', async () => {
  const flaky = new Flaky(100, netError('ECONNRESET'));
  const backend = new RetryBackend(flaky, quick().options);
  await assert.rejects(backend.get('h/a'), (error: PantherError) => {
    assert.equal(error.code, 'backend-unavailable');
    assert.match(error.message, /get h\/a failed 5 time\(s\)/);
    assert.match(error.hint ?? '', /next run resumes/);
    return true;
  });
  assert.equal(flaky.calls, 5);
  assert.equal(backend.stats.gaveUp, 1);
});

test('the time budget stops retries before maxAttempts', async () => {
  let clock = 0;
  const flaky = new Flaky(100, sdkError(500));
  const backend = new RetryBackend(flaky, quick({ maxAttempts: 50, maxElapsedMs: 1000, random: () => 1, now: () => clock, sleep: async (ms) => { clock += ms; } }).options);
  await assert.rejects(backend.head('h/a'), { code: 'backend-unavailable' });
  assert.ok(flaky.calls < 10 && clock <= 1000, `${flaky.calls} calls, ${clock} ms`);
});

test('4xx errors, missing objects and bad names are not retried', async () => {
  for (const error of [sdkError(403, 'AccessDenied'), sdkError(404, 'NoSuchBucket'), sdkError(501, 'NotImplemented'), new PantherError('object-not-found', 'x')]) {
    const flaky = new Flaky(1, error);
    const backend = new RetryBackend(flaky, quick().options);
    await assert.rejects(backend.delete('h/a'), (e: unknown) => e === error);
    assert.equal(flaky.calls, 1);
  }
});

test('a short stream is buffered and its put retried; a long one is sent once', async () => {
  const flaky = new Flaky(2, sdkError(503));
  const backend = new RetryBackend(flaky, quick({ bufferLimit: 1000 }).options);
  const small = randomBytes(900);
  await backend.put('h/small', (async function* () { yield small.subarray(0, 400); yield small.subarray(400); })());
  assert.deepEqual(Buffer.from(await backend.get('h/small')), small);

  const failing = new Flaky(1, sdkError(503));
  const once = new RetryBackend(failing, quick({ bufferLimit: 1000 }).options);
  const big = randomBytes(3000);
  await assert.rejects(once.put('h/big', (async function* () { yield big.subarray(0, 1500); yield big.subarray(1500); })()), (e: PantherError) => {
    assert.equal(e.code, 'backend-unavailable');
    assert.match(e.message, /streamed upload cannot be restarted/);
    return true;
  });
  assert.equal(failing.calls, 1);
});

test('getStream resumes after a broken download from the first byte not delivered', async () => {
  const data = randomBytes(10_000);
  const inner = new MemoryBackend();
  await inner.put('h/s', data);
  const opened: Array<ByteRange | undefined> = [];
  let broken = false;
  const breaking: Backend = Object.assign(Object.create(inner) as Backend, {
    async *getStream(name: string, range?: ByteRange) {
      opened.push(range);
      const bytes = Buffer.from(await inner.get(name, range));
      yield bytes.subarray(0, 3000);
      if (!broken) { broken = true; throw netError('ECONNRESET'); }
      yield bytes.subarray(3000);
    },
  });
  const backend = new RetryBackend(breaking, quick().options);
  const parts: Uint8Array[] = [];
  for await (const part of backend.getStream('h/s', { offset: 100, length: 9000 })) parts.push(part);
  assert.deepEqual(Buffer.concat(parts), data.subarray(100, 9100));
  assert.deepEqual(opened, [{ offset: 100, length: 9000 }, { offset: 3100, length: 6000 }]);
});

test('list restarts after a failure without repeating names', async () => {
  const inner = new MemoryBackend();
  for (const n of ['a', 'b', 'c', 'd']) await inner.put(`h/${n}`, Buffer.from(n));
  let failed = false;
  const breaking: Backend = Object.assign(Object.create(inner) as Backend, {
    async *list(prefix: string) {
      let i = 0;
      for await (const info of inner.list(prefix)) {
        if (i++ === 2 && !failed) { failed = true; throw sdkError(503); }
        yield info;
      }
    },
  });
  const names: string[] = [];
  for await (const info of new RetryBackend(breaking, quick().options).list('h/')) names.push(info.name);
  assert.deepEqual(names, ['h/a', 'h/b', 'h/c', 'h/d']);
});
