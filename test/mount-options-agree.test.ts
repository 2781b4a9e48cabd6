// One table of filesystem-wide mount options (src/plan/mount-options.ts), asked by lint, the render
// guard and doctor. Before issue 11 each kept its own list and they disagreed: the guard rendered
// `sync`, `lazytime` and SELinux contexts on a subvolume that lint warned about, and doctor ignored
// `barrier`, `acl`, `degraded`, `rescue=…`, `thread_pool=…` … when it checked what a mount really got.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPantherError } from '../src/core/errors.ts';
import { checkFsOptionPerSubvolume } from '../src/plan/lint/fs-options.ts';
import { checkOption, FILESYSTEM_WIDE_NAMES, isFilesystemWide } from '../src/plan/mount-options.ts';
import type { StoragePlan } from '../src/plan/types.ts';
import { checkIgnoredOptions } from '../src/provision/doctor/plan-checks.ts';
import type { LiveState } from '../src/provision/doctor/types.ts';
import { checkRenderable } from '../src/render/guard.ts';
import { specPlan } from './support/plans.ts';

/** A valid value for the options that need one, so lint (which judges valid options) sees them. */
const SAMPLE_VALUE: Record<string, string> = {
  compress: 'zstd:1', 'compress-force': 'zstd', commit: '120', max_inline: '2048', metadata_ratio: '1', thread_pool: '4',
  device: '/dev/sdb', discard: 'async', space_cache: 'v2', fatal_errors: 'bug', rescue: 'usebackuproot',
  context: 'system_u:object_r:fs_t:s0', fscontext: 'system_u:object_r:fs_t:s0', defcontext: 'system_u:object_r:fs_t:s0', rootcontext: 'system_u:object_r:fs_t:s0',
};

/** Options whose classification is easy to get wrong, with the answer (btrfs(5), fs/btrfs/super.c). */
const TRICKY: Array<[string, boolean]> = [
  ['barrier', true], ['nobarrier', true], ['acl', true], ['noacl', true], ['degraded', true], ['nossd_spread', true],
  ['sync', true], ['dirsync', true], ['lazytime', true], ['nolazytime', true], ['norecovery', true], ['usebackuproot', true],
  ['enospc_debug', true], ['rescan_uuid_tree', true], ['user_subvol_rm_allowed', true], ['treelog', true], ['clear_cache', true],
  ['discard', true], ['discard=async', true], ['compress', true], ['compress-force=zstd:3', true], ['commit=120', true],
  ['rescue=usebackuproot', true], ['thread_pool=4', true], ['context=system_u:object_r:fs_t:s0', true],
  ['ro', false], ['rw', false], ['noatime', false], ['relatime', false], ['nodiratime', false], ['nodev', false],
  ['nosuid', false], ['noexec', false], ['nosymfollow', false], ['nofail', false], ['noauto', false], ['x-systemd.automount', false],
];

function sample(name: string): string {
  if (checkOption(name).ok) return name;
  const value = SAMPLE_VALUE[name];
  assert.ok(value !== undefined, `give ${name} a sample value`);
  return `${name}=${value}`;
}

/** A plan with `option` on one subvolume that does not mount first, and no pool options. */
function planWith(option: string): StoragePlan {
  const plan = structuredClone(specPlan('hetzner'));
  const pool = plan.pools[0]!;
  pool.filesystemOptions = [];
  const sub = pool.subvolumes.find((s) => s.mountPoint !== null && s.mountPoint !== '/')!;
  sub.mountOptions = [option];
  return plan;
}

function lintSays(option: string): boolean {
  return checkFsOptionPerSubvolume(planWith(option)).some((f) => f.id === 'fs-option-per-subvolume');
}

function guardSays(option: string): boolean {
  try {
    checkRenderable(planWith(option));
    return false;
  } catch (error) {
    if (isPantherError(error) && /applies to the whole filesystem/.test(error.message)) return true;
    throw error;
  }
}

function doctorSays(option: string): boolean {
  const state: LiveState = {
    now: '2026-01-01T00:00:00Z', root: '/', filesystems: [], attributes: [], swapfiles: [], postgres: [],
    mounts: [{ target: '/srv', source: '/dev/sda2', fstype: 'btrfs', options: ['rw', 'relatime'], subvol: '@srv', uuid: 'u' }],
    requested: [{ target: '/srv', subvol: '@srv', options: [option] }],
  };
  return checkIgnoredOptions(state).some((f) => f.id === 'option-ignored');
}

function verdicts(option: string): { table: boolean; lint: boolean; guard: boolean; doctor: boolean } {
  return { table: isFilesystemWide(option), lint: lintSays(option), guard: guardSays(option), doctor: doctorSays(option) };
}

test('lint, the render guard and doctor agree on every filesystem-wide option of the table', () => {
  assert.ok(FILESYSTEM_WIDE_NAMES.size > 40);
  for (const name of FILESYSTEM_WIDE_NAMES) {
    const option = sample(name);
    assert.deepEqual(verdicts(option), { table: true, lint: true, guard: true, doctor: true }, option);
  }
});

test('lint, the render guard and doctor agree on the tricky ones, and the table is right about them', () => {
  for (const [option, wide] of TRICKY) {
    assert.deepEqual(verdicts(option), { table: wide, lint: wide, guard: wide, doctor: wide }, option);
  }
});
