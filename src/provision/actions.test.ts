import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { specPlan } from '../../test/support/plans.ts';
import { mountOrder, partitionsFor, planActions } from './actions.ts';

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
