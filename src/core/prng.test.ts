import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from './prng.ts';

// The sequences the benchmark's dataset (string seeds) and the lock schedules (number seeds) were
// built from before their generators were merged here: the benchmark's figures depend on them.
test('prng: the same sequences as the generators it replaced', () => {
  const text = seededRandom('dataset');
  assert.deepEqual([text(), text(), text()], [0.9842589232139289, 0.5028138477355242, 0.373776629101485]);
  const number = seededRandom(7);
  assert.deepEqual([number(), number(), number()], [0.011704753153026104, 0.06195825757458806, 0.97690763277933]);
});

test('prng: uniform enough in [0, 1)', () => {
  const r = seededRandom(1);
  const buckets = new Array<number>(10).fill(0);
  for (let i = 0; i < 100_000; i++) {
    const x = r();
    assert.ok(x >= 0 && x < 1);
    buckets[Math.floor(x * 10)]!++;
  }
  for (const b of buckets) assert.ok(b > 9_500 && b < 10_500, String(buckets));
});
