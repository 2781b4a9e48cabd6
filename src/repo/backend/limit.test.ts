import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { LimitBackend } from './limit.ts';
import { MemoryBackend } from './memory.ts';
import { runBackendConformance } from './conformance.ts';
import type { BucketClock } from './limit-bucket.ts';

runBackendConformance('limit over memory', async () => ({ backend: new LimitBackend(new MemoryBackend(), { uploadBitsPerSecond: 1e9, downloadBitsPerSecond: 1e9 }) }));

function fakeClock(): BucketClock & { t: number } {
  const c = { t: 0, now: () => c.t, sleep: async (ms: number) => { c.t += ms; } };
  return c;
}

async function* parts(...chunks: Uint8Array[]): AsyncGenerator<Uint8Array> { yield* chunks; }

test('limit: buffer and stream puts are paced alike and stored intact', async () => {
  const clock = fakeClock();
  const inner = new MemoryBackend();
  const backend = new LimitBackend(inner, { uploadBitsPerSecond: 8_000_000, clock }); // 1 MB/s
  const a = randomBytes(500_000);
  const b = randomBytes(300_000);
  await backend.put('h/a', a);
  await backend.put('h/b', parts(b.subarray(0, 200_000), b.subarray(200_000)));
  assert.deepEqual(Buffer.from(await inner.get('h/a')), a);
  assert.deepEqual(Buffer.from(await inner.get('h/b')), b);
  const { upload } = backend.stats();
  assert.equal(upload.bytes, 800_000);
  assert.equal(upload.objects, 2);
  assert.ok(Math.abs(clock.t - 800) < 1e-6, `800 kB at 1 MB/s take 0.8 s, took ${clock.t} ms`);
  assert.ok(Math.abs(upload.bitsPerSecond! - 8_000_000) < 1, String(upload.bitsPerSecond));
});

test('limit: the inner backend receives small slices, never a whole pack at once', async () => {
  const seen: number[] = [];
  const inner = new MemoryBackend();
  const spy = Object.assign(Object.create(inner) as MemoryBackend, {
    put: async (name: string, data: AsyncIterable<Uint8Array> | Uint8Array) => {
      if (!(data instanceof Uint8Array)) {
        const all: Uint8Array[] = [];
        for await (const part of data) { seen.push(part.length); all.push(part); }
        return inner.put(name, Buffer.concat(all));
      }
      return inner.put(name, data);
    },
  });
  const backend = new LimitBackend(spy, { uploadBitsPerSecond: 8_000_000, clock: fakeClock() });
  await backend.put('h/p', randomBytes(1_000_000));
  assert.ok(seen.length >= 15 && Math.max(...seen) <= 64 * 1024, `slices: ${seen.length}, largest ${Math.max(...seen)}`);
});

test('limit: downloads are capped only when asked', async () => {
  const clock = fakeClock();
  const inner = new MemoryBackend();
  await inner.put('h/x', randomBytes(250_000));
  const free = new LimitBackend(inner, { uploadBitsPerSecond: 8_000_000, clock });
  await free.get('h/x');
  assert.equal(clock.t, 0);
  const capped = new LimitBackend(inner, { uploadBitsPerSecond: null, downloadBitsPerSecond: 2_000_000, clock });
  await capped.get('h/x');
  for await (const _ of capped.getStream('h/x')) { /* drain */ }
  assert.ok(Math.abs(clock.t - 2000) < 1e-6, `500 kB at 250 kB/s take 2 s, took ${clock.t} ms`);
  assert.equal(capped.stats().download.bytes, 500_000);
});

test('limit: a real clock holds the rate (short run)', async () => {
  const backend = new LimitBackend(new MemoryBackend(), { uploadBitsPerSecond: 8_000_000 });
  const started = performance.now();
  await backend.put('h/r', randomBytes(400_000));
  const ms = performance.now() - started;
  assert.ok(ms >= 380 && ms < 800, `400 kB at 1 MB/s took ${ms.toFixed(0)} ms`);
});
