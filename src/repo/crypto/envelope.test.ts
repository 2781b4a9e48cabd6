import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { EnvelopeError, HEADER_BYTES, ObjectType, OVERHEAD, open, seal } from './envelope.ts';
import { openPayload, sealPayload } from './sealed.ts';
import { deriveKeys } from './keys.ts';

const keys = deriveKeys(Buffer.alloc(32, 1));

test('seal/open round trip; fixed overhead of 52 bytes; fresh salt and nonce every time', () => {
  const plain = randomBytes(1000);
  const a = seal(keys.objectRoot, ObjectType.blob, 0, plain);
  const b = seal(keys.objectRoot, ObjectType.blob, 0, plain);
  assert.equal(a.length, plain.length + OVERHEAD);
  assert.notDeepEqual(a.subarray(8, HEADER_BYTES), b.subarray(8, HEADER_BYTES));
  assert.deepEqual(open(keys.objectRoot, ObjectType.blob, a).plaintext, plain);
  assert.equal(a.subarray(0, 4).toString('latin1'), 'PNTH');
});

test('property: any changed bit, another type or another key is refused', () => {
  const sealed = seal(keys.objectRoot, ObjectType.index, 0, randomBytes(200));
  fc.assert(fc.property(fc.nat(sealed.length - 1), fc.nat(7), (at, bit) => {
    const copy = Buffer.from(sealed);
    copy[at] = copy[at]! ^ (1 << bit);
    assert.throws(() => open(keys.objectRoot, ObjectType.index, copy), EnvelopeError);
  }), { numRuns: 300 });
  assert.throws(() => open(keys.objectRoot, ObjectType.manifest, sealed), /type 4 where type 5/);
  assert.throws(() => open(deriveKeys(Buffer.alloc(32, 2)).objectRoot, ObjectType.index, sealed), /authentication failed/);
  assert.throws(() => open(keys.objectRoot, ObjectType.index, sealed.subarray(0, 40)), /too short/);
});

test('payloads are compressed only when that shrinks them', () => {
  const text = Buffer.from('btrfs-stream '.repeat(10_000));
  const noise = randomBytes(100_000);
  const small = sealPayload(keys.objectRoot, ObjectType.blob, text, 3);
  const big = sealPayload(keys.objectRoot, ObjectType.blob, noise, 3);
  assert.equal(small[6], 1);
  assert.ok(small.length < text.length / 10);
  assert.equal(big[6], 0);
  assert.equal(big.length, noise.length + OVERHEAD);
  assert.deepEqual(openPayload(keys.objectRoot, ObjectType.blob, small, text.length), text);
  assert.deepEqual(openPayload(keys.objectRoot, ObjectType.blob, big), noise);
  assert.throws(() => openPayload(keys.objectRoot, ObjectType.blob, small, text.length - 1));
});
