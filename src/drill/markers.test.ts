import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { seededRandom } from '../core/prng.ts';
import { chooseContentWindow, entropyBits, isDistinctive, MarkerScanner, nameMarker, scanForMarkers, shortPeriod } from './markers.ts';

const random32 = (seed: string): Buffer => createHash('sha256').update(seed).digest();

async function* chunks(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part;
}

test('distinctive: random bytes, text and long names are; zeros, repeated patterns and near-constant runs are not', () => {
  assert.ok(isDistinctive(random32('a')));
  assert.ok(isDistinctive(Buffer.from('the quick brown fox jumps over')));
  assert.ok(isDistinctive(Buffer.from('postgresql.conf')));
  assert.ok(!isDistinctive(Buffer.alloc(32)));
  assert.ok(!isDistinctive(Buffer.alloc(32, 0xff)));
  assert.ok(!isDistinctive(Buffer.from('abcdefghijklmnop'.repeat(2))), 'period 16 in 32 bytes');
  assert.ok(!isDistinctive(Buffer.from('0123456789ab0123456789ab')), 'period 12');
  const nearConstant = Buffer.alloc(32, 0xff);
  nearConstant[7] = 1;
  assert.ok(!isDistinctive(nearConstant));
  assert.ok(!isDistinctive(Buffer.from('short name')), 'under 12 bytes');
});

test('entropy and period helpers', () => {
  assert.equal(entropyBits(Buffer.alloc(10)), 0);
  assert.equal(entropyBits(Buffer.from([0, 1, 2, 3])), 2);
  assert.equal(shortPeriod(Buffer.from('abab')), 2);
  assert.equal(shortPeriod(Buffer.from('abcab')), 0);
});

test('content windows: 24–48 distinctive bytes from the region, the same for the same seed; none from zeros', () => {
  const region = Buffer.concat([Buffer.alloc(2000), Buffer.from(Array.from({ length: 4096 }, (_, i) => random32(`r${i >> 5}`)[i & 31]!))]);
  const one = chooseContentWindow(region, seededRandom('s'));
  assert.ok(one !== null && one.length >= 24 && one.length <= 48 && isDistinctive(one));
  assert.ok(region.indexOf(Buffer.from(one)) >= 0);
  assert.deepEqual(chooseContentWindow(region, seededRandom('s')), one);
  assert.equal(chooseContentWindow(Buffer.alloc(4096), seededRandom('s')), null);
  assert.equal(chooseContentWindow(random32('x').subarray(0, 20), seededRandom('s')), null);
});

test('name markers: whole names of 12+ bytes, cut at 64, if distinctive', () => {
  assert.deepEqual(nameMarker(Buffer.from('authorized_keys')), Uint8Array.from(Buffer.from('authorized_keys')));
  assert.equal(nameMarker(Buffer.from('id_rsa')), null);
  assert.equal(nameMarker(Buffer.from('aaaaaaaaaaaaaaaa')), null);
  assert.equal(nameMarker(Buffer.from(`${'x'.repeat(10)}${'0123456789abcdefghij'.repeat(5)}`))!.length, 64);
});

test('a marker split across two chunks is found; one absent is not', async () => {
  const marker = random32('marker');
  const other = random32('other');
  const data = Buffer.concat([Buffer.from('plaintext before '), marker, Buffer.from(' and after')]);
  const cut = 17 + 13;
  assert.deepEqual(await scanForMarkers([other, marker], chunks(data.subarray(0, cut), data.subarray(cut))), [1]);
  assert.deepEqual(await scanForMarkers([other], chunks(data.subarray(0, cut), data.subarray(cut))), []);
});

test('a marker spread over many one-byte chunks is found; reset() keeps objects apart', () => {
  const marker = random32('m');
  const scanner = new MarkerScanner([marker]);
  for (const byte of marker) scanner.push(Uint8Array.of(byte));
  assert.deepEqual(scanner.found(), [0]);
  const apart = new MarkerScanner([marker]);
  apart.push(marker.subarray(0, 10));
  apart.reset();
  apart.push(marker.subarray(10));
  assert.deepEqual(apart.found(), []);
});

test('property: the scanner agrees with Buffer.indexOf on the concatenation, for any markers and chunking', async () => {
  // A small alphabet makes markers occur (and nearly occur) often, across chunk seams too.
  const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map((a) => Uint8Array.from(a, (b) => b % 3));
  await fc.assert(fc.asyncProperty(
    fc.array(bytes(1, 8), { minLength: 1, maxLength: 5 }),
    fc.array(bytes(0, 20), { maxLength: 12 }),
    async (markers, parts) => {
      const whole = Buffer.concat(parts);
      const expected = markers.flatMap((m, i) => (whole.indexOf(Buffer.from(m)) >= 0 ? [i] : []));
      assert.deepEqual(await scanForMarkers(markers, chunks(...parts)), expected);
    },
  ), { numRuns: 2000 });
});
