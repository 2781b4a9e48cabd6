import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { IndexTable } from './index-table.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

// Freed array buffers are returned by background threads: collect a few times, with pauses.
async function memory(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

test('200k chunk ids cost ≤ 64 bytes each in memory (measured)', async (t) => {
  const ids = randomBytes(200_000 * 32);
  const before = await memory();
  const table = new IndexTable();
  for (let i = 0; i < 200_000; i++) table.add(ids.subarray(i * 32, i * 32 + 32), { pack: i >> 5, offset: i * 1000, length: 1000 });
  const after = await memory();
  const measured = (after - before) / table.size;
  const structural = table.bytes / table.size;
  t.diagnostic(`index: ${measured.toFixed(1)} bytes/chunk measured, ${structural.toFixed(1)} structural, load ${(table.size / table.capacity).toFixed(2)}`);
  assert.equal(table.size, 200_000);
  assert.ok(structural <= 56, `structural ${structural}`);
  assert.ok(measured <= 64, `measured ${measured}`);
  for (let i = 0; i < 200_000; i += 997) {
    assert.deepEqual(table.get(ids.subarray(i * 32, i * 32 + 32)), { pack: i >> 5, offset: i * 1000, length: 1000 });
  }
});

test('property: the table behaves like a Map from 16-byte prefixes (first location wins)', () => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.nat(300), fc.nat(1_000_000)), { maxLength: 2000 }), (ops) => {
    const table = new IndexTable(16);
    const model = new Map<number, number>();
    const idOf = (k: number): Buffer => { const b = Buffer.alloc(32, 0xab); b.writeUInt32LE(k * 2654435761 >>> 0, 0); b.writeUInt32LE(k, 12); return b; };
    for (const [k, offset] of ops) {
      assert.equal(table.add(idOf(k), { pack: 1, offset, length: 2 }), !model.has(k));
      if (!model.has(k)) model.set(k, offset);
    }
    assert.equal(table.size, model.size);
    for (let k = 0; k <= 300; k++) assert.equal(table.get(idOf(k))?.offset, model.get(k));
    let visited = 0;
    table.forEach(() => { visited += 1; });
    assert.equal(visited, model.size);
  }), { numRuns: 100 });
});

test('ids differing only after byte 16 are the same key (documented prefix)', () => {
  const table = new IndexTable();
  const a = Buffer.alloc(32, 1);
  const b = Buffer.from(a);
  b[20] = 9;
  assert.equal(table.add(a, { pack: 0, offset: 0, length: 1 }), true);
  assert.equal(table.add(b, { pack: 0, offset: 5, length: 1 }), false);
});
