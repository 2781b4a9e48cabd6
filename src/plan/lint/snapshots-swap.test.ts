// NOTES 4 (snapshot directory per pool) and NOTES 5 (swap).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintPlan } from './index.ts';
import { MIN_SWAPFILE_BYTES } from './swap.ts';
import { locate, matching, only, plan, pool, SPEC_HOST_NAMES } from '../../../test/support/lint.ts';

function absentOnAllSpecHosts(id: string): void {
  for (const host of SPEC_HOST_NAMES) assert.deepEqual(matching(lintPlan(plan(host)), id), [], `${id} on default ${host}`);
}

test('NOTES 4: snapshots of one pool placed on another pool (the spec\'s Zephyrus layout) are an error', () => {
  const p = plan('zephyrus');
  const secondary = pool(p, 'secondary');
  const primary = pool(p, 'primary');
  // The spec: one @snapshots, on the secondary pool, for everything.
  primary.snapshotLocation = { pool: secondary.name, subvolume: '@snapshots' };
  const f = only(lintPlan(p), 'snapshot-location-other-pool', `pool ${primary.name}`);
  assert.equal(f.severity, 'error');
  assert.match(f.message, /another filesystem/);
  // Not reported twice as "missing".
  assert.deepEqual(matching(lintPlan(p), 'snapshot-location-missing'), []);
  absentOnAllSpecHosts('snapshot-location-other-pool');
});

test('NOTES 4: a pool that snapshots subvolumes needs a snapshot subvolume of its own', () => {
  const p = plan('hetzner');
  const primary = p.pools[0]!;
  primary.snapshotLocation = null;
  assert.equal(only(lintPlan(p), 'snapshot-location-missing', `pool ${primary.name}`).severity, 'error');
  primary.snapshotLocation = { pool: primary.name, subvolume: '@nope' };
  assert.match(only(lintPlan(p), 'snapshot-location-missing', `pool ${primary.name}`).message, /@nope/);
  // Zephyrus's secondary pool snapshots nothing by default: no location would be fine there.
  const z = plan('zephyrus');
  const secondary = pool(z, 'secondary');
  assert.ok(secondary.subvolumes.every((s) => s.snapshots === null));
  secondary.snapshotLocation = null;
  assert.deepEqual(matching(lintPlan(z), 'snapshot-location-missing'), []);
  absentOnAllSpecHosts('snapshot-location-missing');
});

test('NOTES 5: a swapfile needs a no-CoW subvolume', () => {
  const p = plan('hetzner', { overrides: { subvolumes: { '@swap': { cow: true } } } });
  const f = only(lintPlan(p), 'swap-cow', locate(p, '@swap').subject);
  assert.equal(f.severity, 'error');
  // The spec's nodatacow request for swap is then not realised, and lint says so.
  assert.match(only(lintPlan(p), 'requested-option-ineffective', locate(p, '@swap').subject).message, /not realised: this swap subvolume is planned CoW/);
  absentOnAllSpecHosts('swap-cow');
});

test('NOTES 5: a swap subvolume is never snapshotted (ETXTBSY)', () => {
  const p = plan('contabo', { overrides: { subvolumes: { '@swap': { snapshot: true } } } });
  const f = only(lintPlan(p), 'swap-snapshotted', locate(p, '@swap').subject);
  assert.equal(f.severity, 'error');
  assert.match(f.message, /Text file busy/);
  absentOnAllSpecHosts('swap-snapshotted');
});

test('NOTES 5: a swap subvolume is never backed up', () => {
  const p = plan('ovh', { overrides: { subvolumes: { '@swap': { backup: 'weekly' } } } });
  assert.equal(only(lintPlan(p), 'swap-backed-up', locate(p, '@swap').subject).severity, 'warning');
  absentOnAllSpecHosts('swap-backed-up');
});

test('NOTES 5: a swapfile in a subvolume that holds other data warns', () => {
  const p = plan('ovh');
  const swap = locate(p, '@swap');
  const local = locate(p, '@local');
  local.sub.swapfile = swap.sub.swapfile;
  local.sub.cow = false;
  local.sub.compression = 'none';
  local.sub.snapshots = null;
  local.sub.backup = 'never';
  swap.sub.swapfile = null;
  const findings = lintPlan(p);
  assert.equal(only(findings, 'swap-shared-subvolume', local.subject).severity, 'warning');
  assert.deepEqual(matching(findings, 'swap-shared-subvolume', swap.subject), []);
  absentOnAllSpecHosts('swap-shared-subvolume');
});

test('swap-size: below the mkswapfile minimum or beyond the device is an error', () => {
  const tiny = plan('hetzner', { overrides: { swapSize: '16K' } });
  const swap = locate(tiny, '@swap');
  assert.ok(swap.sub.swapfile!.sizeBytes < MIN_SWAPFILE_BYTES);
  assert.equal(only(lintPlan(tiny), 'swap-size', swap.subject).severity, 'error');
  const huge = plan('ovh', { overrides: { swapSize: '1T' } });
  const s = locate(huge, '@swap');
  assert.ok(s.sub.swapfile!.sizeBytes > s.pool.deviceSizeBytes);
  assert.match(only(lintPlan(huge), 'swap-size', s.subject).message, /larger than the whole device/);
  const fine = plan('hetzner', { overrides: { swapSize: '40K' } });
  assert.deepEqual(matching(lintPlan(fine), 'swap-size'), []);
  absentOnAllSpecHosts('swap-size');
});
