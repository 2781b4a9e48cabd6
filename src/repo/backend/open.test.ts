// The stack's order, held to its reasons (open.ts): every attempt the retry layer makes is metered,
// and every byte sent, retries included, goes through the bandwidth cap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend, PutData } from './backend.ts';
import { collect, isReplayable } from './backend.ts';
import type { BucketClock } from './limit-bucket.ts';
import { LocalBackend } from './local.ts';
import { MemoryBackend } from './memory.ts';
import { composeBackend, openBackendStack } from './open.ts';
import { RetryPolicy } from './retry.ts';
import { runBackendConformance } from './conformance.ts';

runBackendConformance('the full stack over memory', async () => ({
  backend: composeBackend(new MemoryBackend(), {
    metered: {}, limit: { uploadBitsPerSecond: 1e9, downloadBitsPerSecond: 1e9 }, retry: new RetryPolicy({ sleep: async () => {} }),
  }).backend,
}));

function fakeClock(): BucketClock & { t: number } {
  const c = { t: 0, now: () => c.t, sleep: async (ms: number) => { c.t += ms; } };
  return c;
}

const busy = (): Error => Object.assign(new Error('ServiceUnavailable'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } });

/** A store whose first `failures` puts and gets read the whole request, then answer 503 (B2 "too busy"). */
function busyStore(failures: number): { store: Backend; inner: MemoryBackend; attempts: { put: number; get: number; replayable: number } } {
  const inner = new MemoryBackend();
  const attempts = { put: 0, get: 0, replayable: 0 };
  let left = { put: failures, get: failures };
  const store = Object.assign(Object.create(inner) as MemoryBackend, {
    put: async (name: string, data: PutData) => {
      attempts.put += 1;
      if (isReplayable(data)) attempts.replayable += 1;
      const bytes = await collect(data); // the body went over the link before the answer came
      if (left.put > 0) { left = { ...left, put: left.put - 1 }; throw busy(); }
      return inner.put(name, bytes);
    },
    get: async (name: string) => {
      attempts.get += 1;
      const bytes = await inner.get(name);
      if (left.get > 0) { left = { ...left, get: left.get - 1 }; throw busy(); }
      return bytes;
    },
  });
  return { store, inner, attempts };
}

const noSleep = (): RetryPolicy => new RetryPolicy({ sleep: async () => {}, random: () => 0 });

test('stack: a put that fails twice is metered as three puts and three bodies, and all three are capped', async () => {
  const { store, inner, attempts } = busyStore(2);
  const clock = fakeClock();
  const stack = composeBackend(store, {
    metered: { now: () => new Date('2027-01-01T03:00:00Z') },
    limit: { uploadBitsPerSecond: 8_000_000, clock }, // 1 MB/s
    retry: noSleep(),
  });
  const body = randomBytes(100_000);
  await stack.backend.put('h/packs/p', body);
  assert.equal(attempts.put, 3);
  assert.deepEqual(Buffer.from(await inner.get('h/packs/p')), body);
  const day = stack.metered!.usage()['2027-01-01']!;
  assert.equal(day.calls.put, 3, 'every attempt is a billed call');
  assert.equal(day.bytesUp, 300_000, 'every attempt sent the body');
  assert.equal(stack.limited!.stats().upload.bytes, 300_000, 'the cap saw the retried bytes');
  assert.ok(Math.abs(clock.t - 300) < 1e-6, `300 kB at 1 MB/s take 0.3 s of the link, took ${clock.t} ms`);
  assert.equal(stack.retry!.stats.retries, 2);
});

test('stack: a streamed put is buffered by retry and every re-send is metered and capped', async () => {
  const { store, attempts } = busyStore(1);
  const clock = fakeClock();
  const stack = composeBackend(store, { metered: {}, limit: { uploadBitsPerSecond: 8_000_000, clock }, retry: noSleep() });
  const body = randomBytes(50_000);
  await stack.backend.put('h/index/i', (async function* () { yield body.subarray(0, 20_000); yield body.subarray(20_000); })());
  assert.equal(attempts.put, 2);
  const [day] = Object.values(stack.metered!.usage());
  assert.equal(day!.calls.put, 2);
  assert.equal(day!.bytesUp, 100_000);
  assert.equal(stack.limited!.stats().upload.bytes, 100_000);
});

test('stack: a spooled pack whose put fails twice is read again from its file each time, and each attempt is metered and capped', async () => {
  const { store, inner, attempts } = busyStore(2);
  const clock = fakeClock();
  const dir = await mkdtemp(join(tmpdir(), 'panther-spool-'));
  try {
    const stack = composeBackend(store, { metered: {}, limit: { uploadBitsPerSecond: 8_000_000, clock }, retry: noSleep(), spool: { dir } });
    const pieces = [randomBytes(60_000), randomBytes(40_000)];
    const expected = Buffer.concat(pieces);
    const stage = stack.backend.stage();
    for (const piece of pieces) await stage.write(Buffer.from(piece));
    await stage.commit('h/packs/p');
    assert.deepEqual([attempts.put, attempts.replayable], [3, 3], 'every attempt reached the store as a body it could read again');
    assert.ok(Buffer.from(await inner.get('h/packs/p')).equals(expected));
    const [day] = Object.values(stack.metered!.usage());
    assert.equal(day!.calls.put, 3);
    assert.equal(day!.bytesUp, 300_000);
    assert.equal(stack.limited!.stats().upload.bytes, 300_000, 'the cap paced every read of the file');
    assert.equal(stack.retry!.stats.retries, 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('stack: a get that fails twice is metered as three gets', async () => {
  const { store, inner, attempts } = busyStore(2);
  const stack = composeBackend(store, { metered: {}, retry: noSleep() });
  await inner.put('h/config', Buffer.from('x'));
  await stack.backend.get('h/config');
  assert.equal(attempts.get, 3);
  assert.equal(Object.values(stack.metered!.usage())[0]!.calls.get, 3);
});

test('stack: layers compose store → metered → limit → retry → spool, and each is optional', () => {
  const store = new MemoryBackend();
  const full = composeBackend(store, { metered: {}, limit: { uploadBitsPerSecond: null }, retry: noSleep(), spool: { dir: '/nonexistent/spool' } });
  assert.equal(full.backend, full.spool);
  assert.equal(full.spool!.inner, full.retry);
  assert.equal(full.retry!.inner, full.limited);
  assert.equal(full.limited!.inner, full.metered);
  assert.equal(full.metered!.inner, store);
  const bare = composeBackend(store);
  assert.equal(bare.backend, store);
  assert.deepEqual([bare.metered, bare.limited, bare.retry, bare.spool], [null, null, null, null]);
  const noMeter = composeBackend(store, { limit: { uploadBitsPerSecond: null }, retry: noSleep() });
  assert.equal(noMeter.retry!.inner, noMeter.limited);
  assert.equal(noMeter.limited!.inner, store);
});

test('stack: every wrapper answers with its store\'s properties and sweeps its store', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'panther-stack-'));
  try {
    const local = new LocalBackend(dir);
    const stack = composeBackend(local, { metered: {}, limit: { uploadBitsPerSecond: null }, retry: noSleep() });
    const spooled = composeBackend(local, { spool: { dir: join(dir, 'spool') } }).backend;
    for (const layer of [stack.backend, stack.retry!, stack.limited!, stack.metered!, spooled]) assert.equal(layer.properties, local.properties);
    assert.deepEqual({ ...stack.backend.properties }, { kind: 'local', listAfterWriteConsistent: true, sweepsTemporaries: true, remote: false });
    await writeFile(join(dir, '.config.0123456789ab.tmp'), 'half a write');
    assert.equal(await stack.backend.sweepTemporaries(-1), 1, 'the stale temporary is found through every layer');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('openBackendStack: a directory gets no retry or spool layer; an s3:// URL gets all four around the S3 store, spooling under the state directory', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'panther-stack-'));
  try {
    const local = await openBackendStack(join(dir, 'repo'), { meter: true, limit: { uploadBitsPerSecond: 8e6 } });
    assert.equal(local.retry, null);
    assert.equal(local.spool, null, 'a local stage is a file already');
    assert.equal(local.backend, local.limited);
    assert.equal(local.limited!.inner, local.metered);
    assert.equal(local.backend.properties.kind, 'local');

    const credentials = join(dir, 'b2-key');
    await writeFile(credentials, 'keyid\nappkey\n', { mode: 0o600 });
    const url = `s3://bucket/fleet?region=us-west-004&endpoint=${encodeURIComponent('http://127.0.0.1:1')}&credentials=${encodeURIComponent(credentials)}`;
    const s3 = await openBackendStack(url, { meter: true, limit: { uploadBitsPerSecond: 8e6 }, env: { PANTHER_STATE_DIR: join(dir, 'state') } });
    assert.equal(s3.backend, s3.spool);
    assert.equal(s3.spool!.dir, join(dir, 'state', 'spool'));
    assert.equal(s3.spool!.inner, s3.retry);
    assert.equal(s3.retry!.inner, s3.limited);
    assert.equal(s3.limited!.inner, s3.metered);
    assert.equal(s3.metered!.inner, s3.store);
    assert.deepEqual({ ...s3.backend.properties }, { kind: 's3', listAfterWriteConsistent: false, sweepsTemporaries: false, remote: true });
    const plain = await openBackendStack(url, { spoolDir: join(dir, 'elsewhere') });
    assert.equal(plain.backend, plain.spool);
    assert.equal(plain.spool!.dir, join(dir, 'elsewhere'));
    assert.equal(plain.spool!.inner, plain.retry);
    assert.equal(plain.retry!.inner, plain.store);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
