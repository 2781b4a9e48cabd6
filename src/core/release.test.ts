import { test } from 'node:test';
import assert from 'node:assert/strict';
import { release, releaseBacking, RELEASE_MIN_BYTES } from './release.ts';

test('release frees a whole large buffer at once: its views read as empty, V8 no longer counts it', () => {
  const before = process.memoryUsage().arrayBuffers;
  const big = Buffer.allocUnsafeSlow(32 * 1024 * 1024).fill(1);
  assert.ok(process.memoryUsage().arrayBuffers - before >= 32 * 1024 * 1024);
  assert.equal(release(big), true);
  assert.equal(big.length, 0);
  assert.ok(process.memoryUsage().arrayBuffers - before < 1024 * 1024);
  assert.equal(release(big), false, 'a second release is a no-op');
});

test('release leaves shared and small memory to the collector', () => {
  const pooled = Buffer.from('a pooled small buffer');
  assert.equal(release(pooled), false);
  assert.equal(pooled.toString(), 'a pooled small buffer');
  const small = Buffer.allocUnsafeSlow(RELEASE_MIN_BYTES - 1).fill(7);
  assert.equal(release(small), false);
  assert.equal(small.length, RELEASE_MIN_BYTES - 1);
  const whole = Buffer.alloc(RELEASE_MIN_BYTES * 2, 9);
  const slice = whole.subarray(1);
  assert.equal(release(slice), false, 'a slice does not own its memory');
  assert.equal(whole[0], 9);
  const offset = whole.subarray(0, RELEASE_MIN_BYTES);
  assert.equal(release(offset), false, 'a view of part of the buffer does not own it');
  assert.equal(whole.length, RELEASE_MIN_BYTES * 2);
  const shared = new Uint8Array(new SharedArrayBuffer(RELEASE_MIN_BYTES * 2));
  assert.equal(release(shared), false, 'shared memory is never released');
});

test('releaseBacking frees the buffer behind a view of its start; never the pool', () => {
  const whole = Buffer.allocUnsafeSlow(RELEASE_MIN_BYTES * 4).fill(3);
  const start = whole.subarray(0, 100);
  assert.equal(release(start), false);
  assert.equal(releaseBacking(start), true);
  assert.equal(whole.length, 0, 'every view of the buffer is now empty');
  const pooled = Buffer.from('pooled');
  assert.equal(releaseBacking(pooled), false);
  assert.equal(pooled.toString(), 'pooled');
});
