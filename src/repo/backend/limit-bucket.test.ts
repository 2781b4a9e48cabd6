import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket, sliceBytesFor, type BucketClock } from './limit-bucket.ts';

/** A clock that only moves when someone sleeps (or the test advances it). */
function fakeClock(): BucketClock & { t: number; sleeps: number[] } {
  const c = {
    t: 0,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => { c.sleeps.push(ms); c.t += ms; },
  };
  return c;
}

test('bucket: bytes pass at the rate, starting empty', async () => {
  const clock = fakeClock();
  const bucket = new TokenBucket({ bytesPerSecond: 1000, burstBytes: 100, clock });
  for (let i = 0; i < 50; i++) await bucket.take(100);
  assert.ok(Math.abs(clock.t - 5000) < 1e-6, `5000 bytes at 1000 B/s take 5 s, took ${clock.t} ms`);
});

test('bucket: a take larger than the burst is split and still paced', async () => {
  const clock = fakeClock();
  const bucket = new TokenBucket({ bytesPerSecond: 1000, burstBytes: 100, clock });
  await bucket.take(2500);
  assert.ok(Math.abs(clock.t - 2500) < 1e-6);
  assert.ok(clock.sleeps.every((ms) => ms <= 100 + 1e-9), 'no single wait covers more than one burst');
});

test('bucket: idle time earns at most one burst', async () => {
  const clock = fakeClock();
  const bucket = new TokenBucket({ bytesPerSecond: 1000, burstBytes: 100, clock });
  clock.t += 60_000; // a minute idle (between two subvolumes)
  const start = clock.t;
  await bucket.take(100); // the burst: free
  assert.equal(clock.t, start);
  await bucket.take(1000);
  assert.ok(Math.abs(clock.t - start - 1000) < 1e-6, 'after the burst the rate applies again');
});

test('bucket: concurrent takers share the rate in arrival order', async () => {
  const clock = fakeClock();
  const bucket = new TokenBucket({ bytesPerSecond: 1000, burstBytes: 100, clock });
  const order: string[] = [];
  const a = (async () => { for (let i = 0; i < 5; i++) { await bucket.take(100); order.push('a'); } })();
  const b = (async () => { for (let i = 0; i < 5; i++) { await bucket.take(100); order.push('b'); } })();
  await Promise.all([a, b]);
  assert.ok(Math.abs(clock.t - 1000) < 1e-6, 'two streams of 500 B together take 1 s, not 0.5 s');
  assert.deepEqual(order, ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
});

test('bucket: timer lateness does not slow the average', async () => {
  let t = 0;
  // Every sleep overshoots by 30%: the refill from the clock pays it back on the next take.
  const clock: BucketClock = { now: () => t, sleep: async (ms) => { t += ms * 1.3; } };
  const bucket = new TokenBucket({ bytesPerSecond: 1000, burstBytes: 100, clock });
  for (let i = 0; i < 100; i++) await bucket.take(100);
  assert.ok(t < 10_000 * 1.05, `10 kB at 1 kB/s took ${t} ms`);
});

test('bucket: slices are about 1/16 s of transfer, 1–64 KiB', () => {
  assert.equal(sliceBytesFor(1_250_000), 64 * 1024);
  assert.equal(sliceBytesFor(160_000), 10_000);
  assert.equal(sliceBytesFor(2000), 1024);
});
