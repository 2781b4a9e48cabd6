import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { B2_PRICES } from './prices.ts';
import { THIN_FLOORS, THIN_ORDER, thinRetention, type ThinInput } from './thin.ts';

const LAPTOP = { daily: 7, weekly: 4, monthly: 12, yearly: 0 };

function input(over: Partial<ThinInput> = {}): ThinInput {
  return {
    host: 'zephyrus', profile: 'dev-laptop', tiers: LAPTOP, storedBytes: 1500e9, dailyNewBytes: 3.8e9,
    ageDays: 365, horizonDays: 45, forecastUsd: 9, budgetUsd: 10, prices: B2_PRICES, hotFraction: 0.25, maxChain: 14, ...over,
  };
}

test('thin: takes monthly points first and stops as soon as the bill is under 90 % of the budget', () => {
  const p = thinRetention(input({ forecastUsd: 10.5, budgetUsd: 10 }));
  assert.equal(p.reachesTarget, true);
  assert.ok(p.to.monthly < 12 && p.to.monthly > 0, `monthly ${p.to.monthly}`);
  assert.equal(p.to.weekly, 4);
  assert.equal(p.to.daily, 7);
  assert.deepEqual(p.steps, [`monthly 12 → ${p.to.monthly}`]);
  assert.ok(p.projectedUsd <= 9 + 1e-9);
  // Every policy tried before the chosen one was still over the target: the first one under it wins.
  assert.deepEqual(p.trail.map((t) => t.tiers.monthly), Array.from({ length: 13 - p.to.monthly }, (_, i) => 12 - i));
  for (const t of p.trail.slice(0, -1)) assert.ok(t.projectedUsd > 9);
  assert.deepEqual(p.trail[p.trail.length - 1]!.tiers, p.to);
});

test('thin: the saving is the stored difference priced per GB-month', () => {
  const p = thinRetention(input({ forecastUsd: 12, budgetUsd: 10 }));
  const saving = ((p.projectedStoredBytes.current - p.projectedStoredBytes.proposed) / 1e9) * 0.006;
  assert.ok(Math.abs(p.savingUsdPerMonth - saving) < 1e-9);
  assert.ok(Math.abs(p.projectedUsd - (12 - saving)) < 1e-9);
  assert.ok(p.savingUsdPerMonth > 0);
});

test('thin: never below 7 daily points, even when nothing else is left to take', () => {
  const p = thinRetention(input({ forecastUsd: 50, budgetUsd: 1, tiers: { daily: 30, weekly: 12, monthly: 12, yearly: 2 } }));
  assert.equal(p.reachesTarget, false);
  assert.deepEqual(p.to, { daily: 7, weekly: 0, monthly: 0, yearly: 0 });
  assert.deepEqual(p.steps, ['yearly 2 → 0', 'monthly 12 → 0', 'weekly 12 → 0', 'daily 30 → 7']);
});

test('thin: only ever lowers counts, from the longest tier down, and honours the floors', () => {
  fc.assert(fc.property(
    fc.record({ daily: fc.nat(35), weekly: fc.nat(12), monthly: fc.nat(12), yearly: fc.nat(3) }),
    fc.double({ min: 0.5, max: 30, noNaN: true }),
    (tiers, forecastUsd) => {
      tiers = { ...tiers };
      const p = thinRetention(input({ tiers, forecastUsd, budgetUsd: 5, storedBytes: 300e9, dailyNewBytes: 2e9, ageDays: 200 }));
      for (const tier of THIN_ORDER) {
        assert.ok(p.to[tier] <= tiers[tier]);
        assert.ok(p.to[tier] >= Math.min(tiers[tier], THIN_FLOORS[tier]), `${tier} below its floor`);
      }
      // A tier is touched only once every longer-lived tier is at its floor.
      THIN_ORDER.forEach((tier, i) => {
        if (p.to[tier] < tiers[tier]) for (const longer of THIN_ORDER.slice(0, i)) assert.equal(p.to[longer], Math.min(tiers[longer], THIN_FLOORS[longer]));
      });
      assert.ok(p.projectedStoredBytes.proposed <= p.projectedStoredBytes.current + 1);
      if (forecastUsd <= 4.5) assert.deepEqual(p.to, tiers, 'already under the target: nothing to thin');
    },
  ), { numRuns: 25 });
});

test('thin: the override is a profile extending the host\'s, selected in the inventory', () => {
  const p = thinRetention(input({ forecastUsd: 10.5, budgetUsd: 10 }));
  assert.deepEqual(p.override.profilesFile?.profiles[0]?.extends, 'dev-laptop');
  assert.deepEqual(p.override.profilesFile?.profiles[0]?.retention, p.to);
  assert.deepEqual(p.override.inventory, { hosts: { zephyrus: { profile: 'dev-laptop-thin' } } });
  const unknown = thinRetention(input({ forecastUsd: 10.5, budgetUsd: 10, profile: null }));
  assert.equal(unknown.override.profilesFile, null);
  assert.match(unknown.override.note, /--plan/);
});
