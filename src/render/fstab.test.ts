import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specPlan } from '../../test/support/plans.ts';
import { parseFstab } from '../provision/doctor/inspect.ts';
import { fstabField, renderFstab } from './fstab.ts';

const body = (text: string): string[] => text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));

test('fstab: yoga mounts the ESP and every subvolume by label, parents first, with the plan\'s options', () => {
  const plan = specPlan('yoga');
  const lines = body(renderFstab(plan));
  const pool = plan.pools[0]!;
  const root = pool.subvolumes.find((s) => s.mountPoint === '/')!;
  assert.equal(lines[0], `LABEL=yoga-primary / btrfs ${[...new Set([...pool.filesystemOptions, ...root.mountOptions])].join(',')},subvol=@ 0 0`);
  assert.ok(lines.includes('LABEL=ESP /boot vfat umask=0077 0 2'), lines.join('\n'));
  const targets = lines.map((l) => l.split(' ')[1]!);
  const mounted = plan.pools.flatMap((p) => p.subvolumes.filter((s) => s.mountPoint !== null).map((s) => s.mountPoint!));
  assert.deepEqual([...targets].sort(), [...mounted, '/boot'].sort());
  assert.equal(targets[0], '/');
  for (const l of lines) assert.doesNotMatch(l, /\/dev\/(nvme|sd|vd)/, 'never a kernel name');
});

test('fstab: zephyrus mounts both pools, each by its own label; one /boot', () => {
  const lines = body(renderFstab(specPlan('zephyrus')));
  assert.ok(lines.some((l) => l.startsWith('LABEL=zephyrus-primary /home ')), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith('LABEL=zephyrus-secondary /var/cache ')), lines.join('\n'));
  assert.equal(lines.filter((l) => / \/boot /.test(l)).length, 1);
  // /var/cache is mounted before /var/cache/podman, which lives inside it.
  const at = (t: string): number => lines.findIndex((l) => l.split(' ')[1] === t);
  assert.ok(at('/var/cache') < at('/var/cache/podman'));
});

test('fstab: a swapfile becomes a swap line; hetzner\'s is in /swap', () => {
  const lines = body(renderFstab(specPlan('hetzner')));
  assert.ok(lines.includes('/swap/swapfile none swap defaults 0 0'), lines.join('\n'));
});

test('fstab: doctor reads back what render wrote (options requested per btrfs mount)', () => {
  const plan = specPlan('hetzner');
  const requested = parseFstab(renderFstab(plan), '/');
  const root = requested.find((r) => r.target === '/');
  assert.ok(root, JSON.stringify(requested));
  assert.equal(requested.length, plan.pools[0]!.subvolumes.filter((s) => s.mountPoint !== null).length);
});

test('fstab fields: blanks and backslashes are octal-escaped, so a path cannot split a line', () => {
  assert.equal(fstabField('/a b\tc\\d\ne'), '/a\\040b\\011c\\134d\\012e');
  assert.equal(fstabField('/plain'), '/plain');
});
