import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decidePoints } from '../backup/point-retention.ts';
import type { PointView } from '../backup/chain.ts';
import { keepPoints, type ModelPoint } from './keep-points.ts';

const DAY = 86_400_000;

function history(start: number, gaps: number[], maxChain: number): ModelPoint[] {
  const points: ModelPoint[] = [];
  let day = start;
  let chain = 0;
  for (const gap of gaps) {
    day += gap;
    const prev = points[points.length - 1];
    chain = prev === undefined || chain >= maxChain ? 1 : chain + 1;
    points.push({ day, full: chain === 1, parent: chain === 1 ? null : prev!.day });
  }
  return points;
}

test('keepPoints keeps exactly what backup/point-retention.ts keeps, for points on whole UTC days', () => {
  fc.assert(fc.property(
    fc.integer({ min: 19_000, max: 22_000 }),
    fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 160 }),
    fc.integer({ min: 1, max: 20 }),
    fc.record({ daily: fc.nat(35), weekly: fc.nat(14), monthly: fc.nat(14), yearly: fc.nat(3) }),
    (start, gaps, maxChain, tiers) => {
      const points = history(start, gaps, maxChain);
      const views: PointView[] = points.map((p) => ({
        id: `p${p.day}`, subvolume: '@home', snapshotUuid: `u${p.day}`, snapshotName: `@home.${p.day}`,
        time: new Date(p.day * DAY + 2 * 3_600_000).toISOString(), parent: p.parent === null ? null : `p${p.parent}`,
      }));
      const now = new Date(points[points.length - 1]!.day * DAY + 3 * 3_600_000).toISOString();
      const expected = decidePoints(views, { frequentMinutes: null, frequent: 0, hourly: 0, ...tiers }, null, now)
        .filter((d) => d.keep).map((d) => Number(d.id.slice(1)));
      assert.deepEqual(keepPoints(points, tiers).map((p) => p.day), expected);
    },
  ), { numRuns: 300 });
});

test('keepPoints: the newest point always, and the whole chain of every kept point', () => {
  const points = history(20_000, Array.from({ length: 40 }, () => 1), 14);
  const kept = keepPoints(points, { daily: 0, weekly: 0, monthly: 0, yearly: 0 });
  // Newest = day 40 of a chain that started at day 29 (fulls at 1, 15, 29).
  assert.deepEqual(kept.map((p) => p.day - 20_000), [29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40]);
  assert.deepEqual(keepPoints([], { daily: 7, weekly: 4, monthly: 12, yearly: 0 }), []);
});
