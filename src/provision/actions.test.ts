import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { specPlan } from '../../test/support/plans.ts';
import { mountOrder, partitionsFor, planActions } from './actions.ts';
import { scalePlan, MIN_POOL_BYTES } from './scale.ts';

test('partitions follow the boot kind', () => {
  assert.deepEqual(partitionsFor('esp', 5).map((p) => p.role), ['esp', 'btrfs']);
  assert.deepEqual(partitionsFor('bios', 5).map((p) => p.role), ['bios', 'btrfs']);
  assert.deepEqual(partitionsFor('hybrid', 5).map((p) => p.role), ['bios', 'esp', 'btrfs']);
  assert.deepEqual(partitionsFor('none', 5).map((p) => p.role), ['btrfs']);
});

test('no-CoW is applied to every no-CoW subvolume before any data or mount, compression to the rest', () => {
  const plan = specPlan('zephyrus', { features: ['databases'] });
  const actions = planActions(plan);
  const firstMount = actions.findIndex((a) => a.kind === 'mount');
  for (const pool of plan.pools) {
    for (const s of pool.subvolumes) {
      const i = actions.findIndex((a) => (a.kind === 'set-nocow' || a.kind === 'set-compression') && a.pool === pool.name && a.subvolume === s.name);
      assert.ok(i >= 0 && i < firstMount, `${s.name} attribute before mounts`);
      assert.equal(actions[i]!.kind, s.cow ? 'set-compression' : 'set-nocow', s.name);
    }
  }
  assert.equal(actions.filter((a) => a.kind === 'mount' && a.role === 'esp').length, 1, 'one ESP on the boot pool only');
});

test('mount order: a parent is always mounted before anything below it (property)', () => {
  const segment = fc.constantFrom('a', 'b', 'home', 'var', 'lib');
  const path = fc.array(segment, { maxLength: 4 }).map((s) => `/${s.join('/')}`);
  fc.assert(fc.property(fc.uniqueArray(path, { minLength: 1, maxLength: 12 }), (targets) => {
    const ordered = mountOrder(targets.map((target) => ({ target }))).map((m) => m.target);
    for (const [i, t] of ordered.entries()) {
      for (const later of ordered.slice(i + 1)) assert.ok(!(t !== '/' && t.startsWith(`${later}/`)) && !(later === '/' && t !== '/'), `${later} after ${t}`);
    }
  }));
});

test('scaling fits the ESP and swapfile onto a small device and refuses a tiny one', () => {
  const plan = specPlan('hetzner');
  const scaled = scalePlan(plan, { primary: 1024 ** 3 });
  const pool = scaled.pools[0]!;
  assert.equal(pool.deviceSizeBytes, 1024 ** 3);
  assert.ok(pool.espSizeBytes <= 1024 ** 3 / 8);
  const swap = pool.subvolumes.find((s) => s.swapfile !== null)!.swapfile!;
  assert.ok(swap.sizeBytes <= 1024 ** 3 / 8 && swap.sizeBytes >= 16 * 1024 ** 2);
  assert.equal(plan.pools[0]!.espSizeBytes, 512 * 1024 ** 2, 'the input plan is not changed');
  assert.throws(() => scalePlan(plan, { primary: MIN_POOL_BYTES - 1 }), /at least/);
});
