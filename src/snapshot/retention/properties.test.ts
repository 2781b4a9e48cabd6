// Properties of applyRetention that must hold for every input (docs/RETENTION.md "Guarantees").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TIERS } from '../../plan/types.ts';
import type { RetentionItem, RetentionPolicy } from '../types.ts';
import { applyRetention } from './apply-retention.ts';
import { assertInvariants, itemsArb, keptIds, newer, nowFor, policyArb, shiftArb } from './retention-test-support.ts';

const RUNS = { numRuns: 500 };

test('invariants: one decision per item with reasons; never deletes newest, pinned, held or future; kept ≤ Σcounts + #pinned + #held + 1 + #future', () => {
  fc.assert(fc.property(itemsArb, policyArb, shiftArb, (items, policy, shift) => {
    const now = nowFor(items, shift);
    assertInvariants(items, policy, now, applyRetention(items, policy, now));
  }), RUNS);
});

test('idempotent: retention applied to the kept set keeps exactly that set', () => {
  fc.assert(fc.property(itemsArb, policyArb, shiftArb, (items, policy, shift) => {
    const now = nowFor(items, shift);
    const first = applyRetention(items, policy, now);
    const kept = items.filter((_, i) => first[i]!.keep);
    const second = applyRetention(kept, policy, now);
    assert.deepEqual(keptIds(second), kept.map((i) => i.id));
    // And for the same reasons: a survivor does not change why it is kept.
    assert.deepEqual(second.map((d) => d.reasons), first.filter((d) => d.keep).map((d) => d.reasons));
  }), RUNS);
});

test('monotone in counts: raising any count never deletes a snapshot that was kept', () => {
  fc.assert(fc.property(itemsArb, policyArb, shiftArb, fc.constantFrom(...TIERS), fc.integer({ min: 1, max: 5 }), (items, policy, shift, tier, extra) => {
    const now = nowFor(items, shift);
    const more: RetentionPolicy = { ...policy, tiers: { ...policy.tiers, [tier]: policy.tiers[tier] + extra } };
    const before = new Set(keptIds(applyRetention(items, policy, now)));
    const after = new Set(keptIds(applyRetention(items, more, now)));
    for (const id of before) assert.ok(after.has(id), `${id} kept with ${tier}=${policy.tiers[tier]} but not with ${policy.tiers[tier] + extra}`);
  }), RUNS);
});

test('path independent: pruning after every snapshot (as snapshot run does) ends where one pass over all of them does', () => {
  fc.assert(fc.property(itemsArb, policyArb, (items, policy) => {
    const ordered = [...items].sort((a, b) => (newer(a, b) ? 1 : -1));
    let kept: RetentionItem[] = [];
    for (const item of ordered) {
      kept.push(item);
      const decisions = applyRetention(kept, policy, item.time);
      kept = kept.filter((_, i) => decisions[i]!.keep);
    }
    if (ordered.length === 0) return;
    const last = ordered[ordered.length - 1]!.time;
    const once = ordered.filter((_, i, all) => applyRetention(all, policy, last)[i]!.keep);
    assert.deepEqual(kept.map((i) => i.id), once.map((i) => i.id));
  }), { numRuns: 200 });
});

test('host time-zone change: the same items under UTC, America/New_York and Asia/Tokyo all satisfy the invariants', () => {
  fc.assert(fc.property(itemsArb, policyArb, shiftArb, (items, base, shift) => {
    const now = nowFor(items, shift);
    const protectedBy = (zone: string | null): string[][] => applyRetention(items, { ...base, timezone: zone }, now)
      .map((d) => d.reasons.filter((r) => r === 'newest' || r === 'pinned' || r.startsWith('held by') || r.startsWith('in the future')));
    for (const zone of [null, 'America/New_York', 'Asia/Tokyo']) {
      const policy = { ...base, timezone: zone };
      assertInvariants(items, policy, now, applyRetention(items, policy, now));
    }
    // What protects a snapshot does not depend on the zone; only calendar buckets move.
    assert.deepEqual(protectedBy('America/New_York'), protectedBy(null));
    assert.deepEqual(protectedBy('Asia/Tokyo'), protectedBy(null));
  }), RUNS);
});

test('host time-zone change: hourly (and frequent, M dividing 60) keepers are the same instants in whole-hour zones', () => {
  fc.assert(fc.property(itemsArb, policyArb, shiftArb, (items, base, shift) => {
    const now = nowFor(items, shift);
    const frequent = 60 % (base.tiers.frequentMinutes ?? 7) === 0 ? base.tiers.frequent : 0;
    const tiers = { ...base.tiers, frequent, daily: 0, weekly: 0, monthly: 0, yearly: 0 };
    const keptIn = (zone: string | null): string[] => keptIds(applyRetention(items, { tiers, timezone: zone }, now));
    assert.deepEqual(keptIn('America/New_York'), keptIn(null));
    assert.deepEqual(keptIn('Asia/Tokyo'), keptIn(null));
  }), RUNS);
});

test('the newest snapshot is the last of its period in every tier, so it carries every enabled tier', () => {
  fc.assert(fc.property(itemsArb, policyArb, (items, policy) => {
    if (items.length === 0) return;
    const now = nowFor(items, 0);
    const decisions = applyRetention(items, policy, now);
    const newest = decisions.find((d) => d.reasons.includes('newest'))!;
    for (const tier of TIERS) {
      assert.equal(newest.reasons.some((r) => r.startsWith(`${tier} `)), policy.tiers[tier] > 0, `${tier} on newest`);
    }
  }), RUNS);
});
