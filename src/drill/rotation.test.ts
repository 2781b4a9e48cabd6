import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { packSlice } from '../repo/check/check.ts';
import { integritySlice, periodWithinBudget } from './rotation.ts';

const WEEK = 7 * 24 * 3_600_000;

test('N consecutive weeks read every pack exactly once, whatever week they start in', () => {
  const packs = Array.from({ length: 500 }, () => randomBytes(32).toString('hex'));
  for (const n of [1, 4, 13]) {
    const start = Date.parse('2026-03-05T12:00:00Z') + Math.floor(Math.random() * 52) * WEEK;
    const reads = new Map<string, number>();
    for (let w = 0; w < n; w++) {
      const slice = integritySlice(start + w * WEEK, n);
      for (const p of packs) if (packSlice(p, slice.of) === slice.index) reads.set(p, (reads.get(p) ?? 0) + 1);
    }
    assert.equal(reads.size, packs.length, `period ${n}: every pack read`);
    assert.ok([...reads.values()].every((c) => c === 1), `period ${n}: none twice`);
  }
});

test('a slice is a fraction of the repository, not all of it', () => {
  const packs = Array.from({ length: 1300 }, () => randomBytes(32).toString('hex'));
  const slice = integritySlice(Date.parse('2026-12-03T00:00:00Z'));
  const read = packs.filter((p) => packSlice(p, slice.of) === slice.index).length;
  assert.ok(read > 40 && read < 200, `${read} of 1300 in one of 13 slices`);
});

test('a repository too large for a weekly slice within the budget is read over more weeks', () => {
  assert.equal(periodWithinBudget(1e9, null), 13, 'no budget: the stated period');
  assert.equal(periodWithinBudget(10e9, 11e9), 13, 'small: the stated period');
  // 500 GB at 11 GB a week (with 25 % margin): 57 weeks.
  assert.equal(periodWithinBudget(500e9, 11e9), 57);
  assert.equal(periodWithinBudget(1e15, 1), 520, 'bounded');
});
