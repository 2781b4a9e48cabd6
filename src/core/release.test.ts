import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RELEASE_MIN_BYTES, release } from './release.ts';

test('release frees a large buffer the view owns: its memory is gone at once', () => {
  const owned = Buffer.allocUnsafe(1024 * 1024);
  const before = process.memoryUsage().arrayBuffers;
  release(owned);
  assert.equal(owned.length, 0);
  assert.equal(owned.buffer.byteLength, 0);
  assert.ok(process.memoryUsage().arrayBuffers <= before - 1024 * 1024, 'the backing store is freed without a collection');
});

test('release frees a view of (most of) its own buffer, as a decompressed chunk one byte short of its output buffer', () => {
  const whole = Buffer.allocUnsafe(RELEASE_MIN_BYTES + 1);
  const view = whole.subarray(0, RELEASE_MIN_BYTES);
  release(view);
  assert.equal(whole.buffer.byteLength, 0);
});

test('release leaves alone what the view does not own: Node\'s pool, small buffers, a slice of a bigger buffer', () => {
  const pooled = Buffer.from('pooled bytes');
  const neighbour = Buffer.from('a neighbour in the same pool');
  release(pooled);
  assert.equal(pooled.toString(), 'pooled bytes');
  assert.equal(neighbour.toString(), 'a neighbour in the same pool');

  const small = new Uint8Array(RELEASE_MIN_BYTES - 1).fill(7);
  release(small);
  assert.equal(small.length, RELEASE_MIN_BYTES - 1);

  const big = Buffer.alloc(4 * RELEASE_MIN_BYTES, 1);
  release(big.subarray(RELEASE_MIN_BYTES));
  release(big.subarray(0, RELEASE_MIN_BYTES));
  assert.equal(big.length, 4 * RELEASE_MIN_BYTES, 'a slice (middle or a small head) never frees the whole');
  assert.equal(big[0], 1);
});

test('release of something already released, or of a shared buffer, is harmless', () => {
  const owned = Buffer.allocUnsafe(RELEASE_MIN_BYTES);
  release(owned);
  release(owned);
  const shared = new Uint8Array(new SharedArrayBuffer(RELEASE_MIN_BYTES));
  release(shared);
  assert.equal(shared.length, RELEASE_MIN_BYTES);
});
