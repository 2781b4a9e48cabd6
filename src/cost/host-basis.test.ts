import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBuiltinProfiles } from '../plan/builtin-profiles.ts';
import { policyPlan } from '../plan/resolve.ts';
import { costBasis, planTiers } from './host-basis.ts';

const profiles = loadBuiltinProfiles();
const hetzner = policyPlan(profiles, { host: 'hetzner' });

test("the host's plan gives budget and tiers; --budget overrides the budget only", () => {
  const basis = costBasis('hetzner', hetzner, [], undefined);
  assert.equal(basis.budgetUsd, hetzner.backup.monthlyBudgetUsd);
  assert.deepEqual(basis.tiers, planTiers(hetzner));
  assert.equal(basis.profile, hetzner.profile);
  assert.equal(basis.source, null);
  assert.equal(costBasis('hetzner', hetzner, [], 7).budgetUsd, 7);
});

test("without a plan for the host, a spec machine's built-in profile, said in a note; else nothing", () => {
  const yoga = costBasis('yoga', hetzner, profiles, undefined);
  const profile = profiles.find((p) => p.specHost === 'yoga')!;
  assert.equal(yoga.budgetUsd, profile.backup.monthlyBudgetUsd);
  assert.equal(yoga.tiers?.daily, profile.retention.daily);
  assert.match(yoga.source ?? '', /built-in profile/);
  assert.deepEqual(costBasis('elsewhere', null, profiles, 2), { host: 'elsewhere', budgetUsd: 2, tiers: null, profile: null, source: null });
});

test('plan tiers: the most generous retention of the backed-up subvolumes; none when nothing is backed up', () => {
  const tiers = planTiers(hetzner)!;
  const backed = hetzner.pools.flatMap((p) => p.subvolumes).filter((s) => s.backup !== 'never' && s.snapshots !== null);
  assert.equal(tiers.daily, Math.max(...backed.map((s) => s.snapshots!.daily)));
  const none = { ...hetzner, pools: hetzner.pools.map((p) => ({ ...p, subvolumes: p.subvolumes.map((s) => ({ ...s, backup: 'never' as const })) })) };
  assert.equal(planTiers(none), null);
});
