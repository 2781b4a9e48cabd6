import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specPlan } from '../../test/support/plans.ts';
import { everyMinutesCalendar } from './plan-host.ts';
import type { StoragePlan } from './types.ts';

const names = (plan: StoragePlan, pool: string): string[] =>
  plan.pools.find((p) => p.name === pool)!.subvolumes.map((s) => s.name);
const sub = (plan: StoragePlan, name: string) => plan.pools.flatMap((p) => p.subvolumes).find((s) => s.name === name)!;

// The spec's layouts, plus one @snapshots per pool (NOTES 4) and nothing else.
const SERVER = ['@', '@home', '@dev', '@config', '@local', '@user-cache', '@ai-tools', '@nix', '@log', '@var-cache', '@tmp', '@containers'];

test('Zephyrus gets two pools with the spec\'s subvolumes, databases only when asked', () => {
  const plain = specPlan('zephyrus');
  assert.deepEqual(plain.pools.map((p) => [p.name, p.device]), [['primary', '/dev/nvme0n1'], ['secondary', '/dev/nvme1n1']]);
  assert.deepEqual(names(plain, 'primary'), ['@', '@home', '@dev-projects', '@nix', '@snapshots']);
  assert.deepEqual(names(plain, 'secondary'), ['@containers', '@cache', '@podman-cache', '@snapshots', '@tmp', '@user-cache']);
  const withDb = specPlan('zephyrus', { features: ['databases'] });
  assert.deepEqual(names(withDb, 'primary'), ['@', '@home', '@dev-projects', '@nix', '@postgresql', '@redis', '@backups', '@snapshots']);
  assert.equal(sub(withDb, '@postgresql').cow, false);
});

test('Yoga is one pool; servers share one list with databases on Hetzner only', () => {
  assert.deepEqual(names(specPlan('yoga'), 'primary'), ['@', '@home', '@nix', '@containers', '@backups', '@snapshots']);
  assert.deepEqual(names(specPlan('hetzner'), 'primary'), [...SERVER, '@postgresql', '@redis', '@swap', '@snapshots']);
  for (const host of ['contabo', 'ovh']) assert.deepEqual(names(specPlan(host), 'primary'), [...SERVER, '@swap', '@snapshots']);
});

test('retention is 7/4/12 on laptops and 30/12/12 on servers', () => {
  for (const [host, counts] of [['zephyrus', [7, 4, 12]], ['yoga', [7, 4, 12]], ['hetzner', [30, 12, 12]], ['contabo', [30, 12, 12]], ['ovh', [30, 12, 12]]] as const) {
    const root = sub(specPlan(host), '@');
    assert.deepEqual([root.snapshots?.daily, root.snapshots?.weekly, root.snapshots?.monthly], counts, host);
  }
});

test('the frequent tier of NOTES 8: hourly on laptop user data, 15 minutes on Hetzner databases', () => {
  const z = specPlan('zephyrus');
  assert.equal(sub(z, '@home').snapshots?.frequentMinutes, 60);
  assert.equal(sub(z, '@').snapshots?.frequent, 0);
  const h = specPlan('hetzner');
  assert.equal(sub(h, '@postgresql').snapshots?.frequentMinutes, 15);
  assert.equal(sub(h, '@redis').snapshots?.frequent, 12);
  assert.equal(sub(h, '@home').snapshots?.frequent, 0);
  assert.equal(h.snapshots.schedule.frequent, '*-*-* *:00/15:00');
  assert.equal(h.snapshots.schedule.daily, '*-*-* 02:00:00');
});

test('no-CoW where the data needs it; /nix keeps CoW (NOTES 2); swap is never snapshotted (NOTES 5)', () => {
  const h = specPlan('hetzner');
  const nocow = h.pools[0]!.subvolumes.filter((s) => !s.cow).map((s) => s.name).sort();
  assert.deepEqual(nocow, ['@containers', '@postgresql', '@redis', '@swap', '@tmp']);
  assert.equal(sub(h, '@nix').cow, true);
  const swap = sub(h, '@swap');
  assert.equal(swap.snapshots, null);
  assert.equal(swap.backup, 'never');
  assert.equal(swap.swapfile?.sizeBytes, 4 * 1024 ** 3);
});

test('mount points carry only per-mount options; the filesystem-wide compress sits on the pool', () => {
  for (const host of ['zephyrus', 'yoga', 'hetzner', 'contabo', 'ovh']) {
    const plan = specPlan(host);
    for (const pool of plan.pools) {
      assert.deepEqual(pool.filesystemOptions, ['compress=zstd:3']);
      for (const s of pool.subvolumes) {
        assert.ok(s.mountOptions.every((o) => !/^(compress|nodatacow|autodefrag|ssd|discard|space_cache)/.test(o)), `${host} ${s.name}: ${s.mountOptions}`);
      }
    }
  }
});

test('user overrides apply and the user name fills mount points', () => {
  const p = specPlan('zephyrus', { user: 'alice', overrides: { subvolumes: { '@nix': { cow: false } }, acknowledge: { 'nix-nocow': 'measured' } } });
  assert.equal(sub(p, '@nix').cow, false);
  assert.equal(sub(p, '@dev-projects').mountPoint, '/home/alice/dev');
  assert.deepEqual(p.acknowledged, { 'nix-nocow': 'measured' });
});

test('boot partition follows the firmware; unknown firmware on a VPS gets both', () => {
  assert.equal(specPlan('yoga').pools[0]!.boot, 'esp');
  assert.equal(specPlan('hetzner').pools[0]!.boot, 'hybrid');
  assert.equal(specPlan('zephyrus').pools[1]!.boot, 'none');
});

test('frequent calendars', () => {
  assert.equal(everyMinutesCalendar(60), '*-*-* 00/1:00:00');
  assert.equal(everyMinutesCalendar(240), '*-*-* 00/4:00:00');
  assert.equal(everyMinutesCalendar(5), '*-*-* *:00/5:00');
  assert.throws(() => everyMinutesCalendar(7), /cannot be written/);
});
