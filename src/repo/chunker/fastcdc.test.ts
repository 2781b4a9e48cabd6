import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { chunkLengths, chunkStream } from './fastcdc.ts';
import { gearTable } from './gear.ts';
import { DEFAULT_PARAMS } from '../params.ts';
import type { ChunkerParams } from '../params.ts';

const SMALL: ChunkerParams = { min: 256, avg: 1024, max: 8192 };
const gear = gearTable(Buffer.alloc(32, 7));

// Deterministic pseudo-random bytes (SHA-256 in counter mode) so failures replay exactly.
function pseudoRandom(length: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let at = 0, counter = 0; at < length; at += 32, counter++) {
    createHash('sha256').update(`${seed}:${counter}`).digest().copy(out, at);
  }
  return out;
}

function chunksOf(data: Buffer, params: ChunkerParams): string[] {
  let at = 0;
  return chunkLengths(data, params, gear).map((len) => {
    const id = createHash('sha256').update(data.subarray(at, at + len)).digest('hex');
    at += len;
    return id;
  });
}

async function collectStream(parts: Buffer[], params: ChunkerParams): Promise<number[]> {
  const lengths: number[] = [];
  for await (const chunk of chunkStream((async function* () { yield* parts; })(), params, gear)) lengths.push(chunk.length);
  return lengths;
}

test('chunks cover the input exactly and respect min/max', () => {
  const data = pseudoRandom(300_000, 1);
  const lengths = chunkLengths(data, SMALL, gear);
  assert.equal(lengths.reduce((a, b) => a + b, 0), data.length);
  for (const len of lengths.slice(0, -1)) assert.ok(len >= SMALL.min && len <= SMALL.max, `length ${len}`);
});

test('property: the same cut points however the stream is split into reads', async () => {
  await fc.assert(fc.asyncProperty(
    fc.integer({ min: 0, max: 40_000 }), fc.integer(), fc.array(fc.integer({ min: 1, max: 9000 }), { minLength: 1, maxLength: 30 }),
    async (length, seed, sizes) => {
      const data = pseudoRandom(length, seed);
      const parts: Buffer[] = [];
      for (let at = 0, i = 0; at < length; i++) {
        const size = sizes[i % sizes.length]!;
        parts.push(data.subarray(at, at + size));
        at += size;
      }
      assert.deepEqual(await collectStream(parts, SMALL), chunkLengths(data, SMALL, gear));
    }), { numRuns: 150 });
});

function cutPoints(data: Buffer, params: ChunkerParams): number[] {
  let at = 0;
  return chunkLengths(data, params, gear).map((len) => (at += len));
}

test('property: an insertion keeps every cut before it and realigns after it', () => {
  fc.assert(fc.property(
    fc.integer(), fc.integer({ min: 0, max: 63_999 }), fc.uint8Array({ minLength: 1, maxLength: 200 }),
    (seed, position, inserted) => {
      const original = pseudoRandom(64_000, seed);
      const edited = Buffer.concat([original.subarray(0, position), inserted, original.subarray(position)]);
      const k = inserted.length;
      const before = cutPoints(original, SMALL);
      const after = cutPoints(edited, SMALL);
      // A cut at or before the insertion depends only on bytes before it: unchanged.
      const keptBefore = before.filter((c) => c <= position);
      assert.deepEqual(after.slice(0, keptBefore.length), keptBefore);
      // Once the two streams share a cut after the insertion, every later cut is shared too.
      const shifted = after.map((c) => c - k);
      const common = shifted.find((c) => c > position && before.includes(c));
      if (common !== undefined) {
        assert.deepEqual(shifted.slice(shifted.indexOf(common)), before.slice(before.indexOf(common)));
      }
    }), { numRuns: 300 });
});

test('insertions cost about one chunk on average (normalized chunking has a tail, docs/FORMAT.md §3.2)', () => {
  let fresh = 0;
  let freshBytes = 0;
  const trials = 300;
  for (let t = 0; t < trials; t++) {
    const original = pseudoRandom(64_000, t);
    const position = (t * 7919) % 60_000;
    const edited = Buffer.concat([original.subarray(0, position), pseudoRandom(1 + (t % 100), t + 1e6), original.subarray(position)]);
    const before = new Set(chunksOf(original, SMALL));
    let at = 0;
    for (const len of chunkLengths(edited, SMALL, gear)) {
      const id = createHash('sha256').update(edited.subarray(at, at + len)).digest('hex');
      at += len;
      if (!before.has(id)) { fresh += 1; freshBytes += len; }
    }
  }
  assert.ok(fresh / trials < 1.6, `mean ${fresh / trials} new chunks per insertion`);
  assert.ok(freshBytes / trials < 2 * SMALL.avg, `mean ${freshBytes / trials} new bytes per insertion`);
});

test('default parameters: mean chunk near 1 MiB; a 100-byte insert near the start keeps the rest', () => {
  const data = pseudoRandom(48 * 1024 * 1024, 42);
  const ids = chunksOf(data, DEFAULT_PARAMS.chunker);
  const mean = data.length / ids.length;
  assert.ok(mean > 0.75 * 1024 * 1024 && mean < 1.6 * 1024 * 1024, `mean ${mean}`);
  const edited = Buffer.concat([data.subarray(0, 1000), pseudoRandom(100, 9), data.subarray(1000)]);
  const before = new Set(ids);
  const fresh = chunksOf(edited, DEFAULT_PARAMS.chunker).filter((id) => !before.has(id)).length;
  assert.ok(fresh <= 2, `${fresh} new chunks of ${ids.length}`);
});

test('the gear table depends on the seed', () => {
  const other = gearTable(Buffer.alloc(32, 8));
  assert.notDeepEqual(Array.from(other), Array.from(gear));
  assert.equal(new Set(gear).size, 256);
});
