import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specPlan } from '../../../test/support/plans.ts';
import { diagnose } from './index.ts';
import type { LiveState } from './types.ts';
import type { StoragePlan } from '../../plan/types.ts';

const NOW = '2026-11-24T12:00:00.000Z';

/** The live state a correctly provisioned plan would show, to break one thing at a time. */
function healthyState(plan: StoragePlan): LiveState {
  const mounts = plan.pools.flatMap((pool) => pool.subvolumes.filter((s) => s.mountPoint !== null).map((s) => ({
    target: s.mountPoint!, source: `/dev/x[/${s.name}]`, fstype: 'btrfs', uuid: `uuid-${pool.name}`,
    options: ['rw', 'noatime', ...pool.filesystemOptions, 'space_cache=v2'], subvol: s.name,
  })));
  return {
    now: NOW, root: '/mnt', mounts,
    filesystems: plan.pools.map((pool) => ({
      uuid: `uuid-${pool.name}`, label: pool.label, devices: ['/dev/x'], sizeBytes: 100e9, usedBytes: 10e9,
      unallocatedBytes: 50e9, freeEstimatedBytes: 80e9, deviceErrors: { '/dev/x': { write_io_errs: 0, corruption_errs: 0 } },
      scrub: { lastStarted: '2026-11-20T03:00:00.000Z', status: 'finished', errors: 0 }, subvolumes: pool.subvolumes.map((s) => s.name),
    })),
    attributes: plan.pools.flatMap((p) => p.subvolumes.filter((s) => s.mountPoint !== null).map((s) => ({
      target: s.mountPoint!, nocow: !s.cow, compression: s.cow ? s.compression : null,
    }))),
    swapfiles: plan.pools.flatMap((p) => p.subvolumes.filter((s) => s.swapfile !== null).map((s) => ({
      path: `${s.mountPoint}/${s.swapfile!.path}`, exists: true, nocow: true, sizeBytes: s.swapfile!.sizeBytes, mode: 0o600,
    }))),
    postgres: [], requested: [],
  };
}

const ids = (plan: StoragePlan, state: LiveState) => diagnose(state, plan).map((f) => `${f.id} ${f.subject}`);

test('a healthy state is clean', () => {
  const plan = specPlan('hetzner');
  assert.deepEqual(ids(plan, healthyState(plan)), []);
});

test('health checks: space, device errors, scrub age and errors, PostgreSQL checksums', () => {
  const plan = specPlan('hetzner');
  const state = healthyState(plan);
  const fs = state.filesystems[0]!;
  fs.usedBytes = 90e9;
  fs.deviceErrors['/dev/x']!['corruption_errs'] = 3;
  fs.scrub = { lastStarted: '2026-09-01T00:00:00.000Z', status: 'finished', errors: 2 };
  state.postgres = [{ dataDir: '/var/lib/postgresql/15/main', nocow: true, checksums: false }];
  assert.deepEqual(ids(plan, state).sort(), [
    'device-errors filesystem hetzner-primary device /dev/x',
    'postgres-no-checksums /var/lib/postgresql/15/main',
    'scrub-errors filesystem hetzner-primary',
    'scrub-stale filesystem hetzner-primary',
    'space-used filesystem hetzner-primary',
  ]);
});

test('without a plan only the generic checks run', () => {
  const plan = specPlan('hetzner');
  const state = healthyState(plan);
  state.filesystems[0]!.scrub.lastStarted = null;
  assert.deepEqual(diagnose(state, null).map((f) => f.id), ['scrub-never']);
});

test('swapfile problems and a snapshotted swap subvolume', () => {
  const plan = specPlan('hetzner');
  const state = healthyState(plan);
  state.swapfiles[0]!.mode = 0o644;
  state.swapfiles[0]!.nocow = false;
  assert.deepEqual(ids(plan, state), ['swapfile-invalid primary/@swap']);
  const swap = plan.pools[0]!.subvolumes.find((s) => s.workload === 'swap')!;
  swap.snapshots = plan.pools[0]!.subvolumes[0]!.snapshots;
  assert.deepEqual(ids(plan, healthyState(plan)), ['swap-snapshotted primary/@swap']);
});

test('filesystem-wide options: missing compression and a remount with nodatacow', () => {
  const plan = specPlan('ovh');
  const state = healthyState(plan);
  for (const m of state.mounts) m.options = ['rw', 'noatime', 'nodatasum', 'nodatacow', 'space_cache=v2'];
  assert.deepEqual(ids(plan, state), ['fs-option-not-in-effect pool primary', 'fs-nodatacow pool primary', 'fs-nodatacow pool primary']);
});

test('a compression property that differs from the plan', () => {
  const plan = specPlan('ovh');
  const state = healthyState(plan);
  state.attributes.find((a) => a.target === '/home')!.compression = 'lzo';
  assert.deepEqual(ids(plan, state), ['compression-mismatch primary/@home']);
});
