import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { B2_PRICES } from '../cost/prices.ts';
import { budgetBytes, defaultBudgetUsd, downloadUsd, selectWithinBudget } from './budget.ts';

test('default budgets are the stated shares of the monthly budget', () => {
  assert.equal(defaultBudgetUsd('integrity', 5), 0.1);
  assert.equal(defaultBudgetUsd('restore', 5), 0.5);
  assert.equal(defaultBudgetUsd('disaster', 10), 2.5);
  assert.equal(defaultBudgetUsd('disaster', null), 1.25, 'no plan: a $5 plan\'s');
});

test('budget bytes: the free daily allowance plus what the dollars buy, and back', () => {
  assert.equal(budgetBytes(0, B2_PRICES), 1e9);
  assert.equal(budgetBytes(0.5, B2_PRICES), 51e9);
  assert.equal(downloadUsd(51e9, B2_PRICES), 0.5);
  assert.equal(downloadUsd(0.9e9, B2_PRICES), 0);
  fc.assert(fc.property(fc.integer({ min: 0, max: 10_000 }), (cents) => Math.abs(downloadUsd(budgetBytes(cents / 100, B2_PRICES), B2_PRICES) - cents / 100) < 1e-6));
});

test('selection: never restored first, then the longest ago; a later smaller one still fits', () => {
  const s = selectWithinBudget([
    { subvolume: '@home', bytes: 60, lastRestoredAt: '2026-11-01T00:00:00Z' },
    { subvolume: '@db', bytes: 50 },
    { subvolume: '@log', bytes: 30, lastRestoredAt: '2026-10-01T00:00:00Z' },
    { subvolume: '@nix', bytes: 10, lastRestoredAt: '2026-11-15T00:00:00Z' },
  ], 95);
  assert.deepEqual(s.take.map((c) => c.subvolume), ['@db', '@log', '@nix']);
  assert.deepEqual(s.defer.map((d) => d.subvolume), ['@home']);
  assert.match(s.defer[0]!.reason, /downloads 60 bytes and 15 of the drill's download budget are left/);
  assert.equal(selectWithinBudget([{ subvolume: 'a', bytes: 1e15 }], null).take.length, 1, 'no limit: everything');
});

test('selection property: what is taken fits, and every candidate is taken or deferred once', () => {
  fc.assert(fc.property(fc.array(fc.record({ subvolume: fc.string({ minLength: 1 }), bytes: fc.nat(1000) }), { maxLength: 12 }), fc.nat(3000), (cs, limit) => {
    const unique = [...new Map(cs.map((c) => [c.subvolume, c])).values()];
    const s = selectWithinBudget(unique, limit);
    assert.ok(s.take.reduce((a, c) => a + c.bytes, 0) <= limit);
    assert.equal(s.take.length + s.defer.length, unique.length);
  }));
});
