// Plans that cannot work whatever btrfs does: mount layout, unknown options, duplicate names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintPlan } from './index.ts';
import { locate, matching, only, plan, pool, SPEC_HOST_NAMES } from '../../../test/support/lint.ts';

function absentOnAllSpecHosts(id: string): void {
  for (const host of SPEC_HOST_NAMES) assert.deepEqual(matching(lintPlan(plan(host)), id), [], `${id} on default ${host}`);
}

test('duplicate-mount-point: two subvolumes on one path, also across pools', () => {
  const p = plan('zephyrus', { overrides: { subvolumes: { '@cache': { mountPoint: '/home' } } } });
  const cache = locate(p, '@cache');
  assert.notEqual(cache.pool.name, locate(p, '@home').pool.name);
  const f = only(lintPlan(p), 'duplicate-mount-point', cache.subject);
  assert.equal(f.severity, 'error');
  assert.match(f.message, new RegExp(locate(p, '@home').subject));
  // "/home/" and "/home" are the same directory.
  const slash = plan('yoga', { overrides: { subvolumes: { '@backups': { mountPoint: '/home/' } } } });
  assert.equal(only(lintPlan(slash), 'duplicate-mount-point', locate(slash, '@backups').subject).severity, 'error');
  absentOnAllSpecHosts('duplicate-mount-point');
});

test('mount-under-nocow: a mount point below a no-CoW subvolume', () => {
  const p = plan('hetzner', { overrides: { subvolumes: { '@ai-tools': { mountPoint: '/tmp/ai-tools' } } } });
  const tools = locate(p, '@ai-tools');
  assert.equal(locate(p, '@tmp').sub.cow, false);
  const f = only(lintPlan(p), 'mount-under-nocow', tools.subject);
  assert.equal(f.severity, 'error');
  // Below a CoW parent is fine (/var/cache/podman under /var/cache on Zephyrus, everything under /).
  const z = plan('zephyrus');
  assert.equal(locate(z, '@podman-cache').sub.mountPoint, '/var/cache/podman');
  // A no-CoW / puts every other mount below it.
  const root = plan('ovh', { overrides: { subvolumes: { '@': { cow: false, compression: 'none' } } } });
  const mountedOthers = root.pools[0]!.subvolumes.filter((s) => s.mountPoint !== null && s.mountPoint !== '/').length;
  assert.equal(matching(lintPlan(root), 'mount-under-nocow').length, mountedOthers);
  absentOnAllSpecHosts('mount-under-nocow');
});

test('no-root-subvolume: / must be mounted from the boot pool', () => {
  const p = plan('zephyrus', { overrides: { subvolumes: { '@': { mountPoint: null } } } });
  const primary = pool(p, 'primary');
  assert.notEqual(primary.boot, 'none');
  assert.equal(only(lintPlan(p), 'no-root-subvolume', `pool ${primary.name}`).severity, 'error');
  // / on the second pool: reported on that subvolume as well.
  const moved = plan('zephyrus', { overrides: { subvolumes: { '@': { mountPoint: null }, '@tmp': { mountPoint: '/' } } } });
  const findings = lintPlan(moved);
  assert.equal(only(findings, 'no-root-subvolume', 'pool primary').severity, 'error');
  assert.equal(only(findings, 'no-root-subvolume', locate(moved, '@tmp').subject).severity, 'error');
  // Without any boot partition the first pool is the boot pool.
  const noBoot = plan('yoga');
  noBoot.pools[0]!.boot = 'none';
  assert.deepEqual(matching(lintPlan(noBoot), 'no-root-subvolume'), []);
  const empty = plan('ovh');
  empty.pools = [];
  assert.equal(only(lintPlan(empty), 'no-root-subvolume', 'plan').severity, 'error');
  absentOnAllSpecHosts('no-root-subvolume');
});

test('mount-point-reserved: /boot, /proc, /sys, /dev, /run and below', () => {
  for (const path of ['/boot', '/boot/efi', '/proc', '/sys/fs', '/dev', '/run/data']) {
    const p = plan('ovh', { overrides: { subvolumes: { '@ai-tools': { mountPoint: path } } } });
    assert.equal(only(lintPlan(p), 'mount-point-reserved', locate(p, '@ai-tools').subject).severity, 'error', path);
  }
  for (const path of ['/bootstrap', '/srv/run', '/devel']) {
    const p = plan('ovh', { overrides: { subvolumes: { '@ai-tools': { mountPoint: path } } } });
    assert.deepEqual(matching(lintPlan(p), 'mount-point-reserved'), [], path);
  }
  absentOnAllSpecHosts('mount-point-reserved');
});

test('unknown-option: options outside the btrfs(5)/mount(8) allow-list, or with bad values, are errors', () => {
  const p = plan('yoga', {
    overrides: {
      filesystemOptions: ['compress=zstd:22', 'commit=120'],
      subvolumes: { '@home': { mountOptions: ['noatime', 'nodatacowx', 'noatime,exec', 'x-systemd.automount', 'umask=022'] } },
    },
  });
  const findings = lintPlan(p);
  const onPool = matching(findings, 'unknown-option', `pool ${p.pools[0]!.name}`);
  assert.deepEqual(onPool.map((f) => f.message.split(':')[0]), ['filesystem option compress=zstd']);
  assert.match(onPool[0]!.message, /invalid value "zstd:22"/);
  const onHome = matching(findings, 'unknown-option', locate(p, '@home').subject);
  assert.deepEqual(onHome.map((f) => f.severity), ['error', 'error', 'error']);
  assert.deepEqual(onHome.map((f) => f.message.match(/^mount option (\S+):/)?.[1]), ['nodatacowx', 'noatime,exec', 'umask=022']);
  absentOnAllSpecHosts('unknown-option');
});

test('duplicate-subvolume: one name twice in one pool; the same name on two pools is fine', () => {
  const p = plan('hetzner');
  const primary = p.pools[0]!;
  const home = locate(p, '@home');
  primary.subvolumes.push({ ...structuredClone(home.sub), mountPoint: '/srv/home' });
  assert.equal(only(lintPlan(p), 'duplicate-subvolume', home.subject).severity, 'error');
  // Zephyrus has @snapshots on both pools by design (NOTES 4).
  const z = plan('zephyrus');
  assert.equal(z.pools.filter((pl) => pl.subvolumes.some((s) => s.name === '@snapshots')).length, 2);
  absentOnAllSpecHosts('duplicate-subvolume');
});
