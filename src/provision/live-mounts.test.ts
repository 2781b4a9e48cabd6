import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFindmntJson } from '../btrfs/findmnt.ts';
import { foreignMounts, isOfDevice, selectUnmounts, type LabelledMount } from './live-mounts.ts';

// Shaped like `findmnt --json --list --output TARGET,SOURCE,FSTYPE,OPTIONS,FSROOT` on an installer
// host: its own / and /nix, then a provisioned layout on /dev/loop3 below /mnt/root.
const table = (extra: object[] = []): LabelledMount[] => parseFindmntJson(JSON.stringify({
  filesystems: [
    { target: '/proc', source: 'proc', fstype: 'proc', options: 'rw,nosuid', fsroot: '/' },
    { target: '/', source: '/dev/vda1', fstype: 'ext4', options: 'rw,relatime', fsroot: '/' },
    { target: '/nix', source: '/dev/vda2[/@nix]', fstype: 'btrfs', options: 'rw,noatime,compress=zstd:3,subvol=/@nix', fsroot: '/@nix' },
    { target: '/mnt/root', source: '/dev/loop3p3[/@]', fstype: 'btrfs', options: 'rw,noatime,compress=zstd:3,subvol=/@', fsroot: '/@' },
    { target: '/mnt/root/boot', source: '/dev/loop3p2', fstype: 'vfat', options: 'rw,umask=0077', fsroot: '/' },
    { target: '/mnt/root/home', source: '/dev/loop3p3[/@home]', fstype: 'btrfs', options: 'rw,noatime,compress=zstd:3,subvol=/@home', fsroot: '/@home' },
    { target: '/mnt/root/nix', source: '/dev/loop3p3[/@nix]', fstype: 'btrfs', options: 'rw,noatime,compress=zstd:3,subvol=/@nix', fsroot: '/@nix' },
    { target: '/mnt/other', source: '/dev/loop30p1', fstype: 'ext4', options: 'rw', fsroot: '/' },
    ...extra,
  ],
})).map((m) => ({ ...m, label: m.fstype === 'btrfs' ? (m.device.startsWith('/dev/loop3p') ? 'hetzner-primary' : 'host-root') : null }));

const plan = { devices: ['/dev/loop3'], labels: ['hetzner-primary'] };

test('isOfDevice: the device and its partitions, never a longer device name', () => {
  assert.ok(isOfDevice('/dev/loop3', '/dev/loop3'));
  assert.ok(isOfDevice('/dev/loop3p12', '/dev/loop3'));
  assert.ok(!isOfDevice('/dev/loop30', '/dev/loop3'));
  assert.ok(!isOfDevice('/dev/loop30p1', '/dev/loop3'));
  assert.ok(isOfDevice('/dev/sda3', '/dev/sda'));
  assert.ok(!isOfDevice('/dev/sdaa1', '/dev/sda'));
  assert.ok(isOfDevice('/dev/nvme0n1p2', '/dev/nvme0n1'));
  assert.ok(!isOfDevice('/dev/nvme0n10', '/dev/nvme0n1'));
});

test('unmount --root /: only the plan\'s mounts, never / and never the host\'s /nix or anyone else\'s', () => {
  const { unmount, kept } = selectUnmounts('/', table(), plan);
  assert.deepEqual(unmount.map((m) => m.target), ['/mnt/root/nix', '/mnt/root/home', '/mnt/root/boot', '/mnt/root']);
  assert.deepEqual(kept, []);
});

test('unmount --root DIR: deepest first (of one depth the later mount first), nothing outside DIR', () => {
  assert.deepEqual(selectUnmounts('/mnt/root/', table(), plan).unmount.map((m) => m.target), ['/mnt/root/nix', '/mnt/root/home', '/mnt/root/boot', '/mnt/root']);
  assert.deepEqual(selectUnmounts('/mnt/root/home', table(), plan).unmount.map((m) => m.target), ['/mnt/root/home']);
  assert.deepEqual(selectUnmounts('/mnt/ro', table(), plan).unmount, [], '/mnt/root is not below /mnt/ro');
});

test('a plan whose devices are the host\'s own: "/" itself is still never unmounted', () => {
  const host = { devices: ['/dev/vda'], labels: [] };
  const { unmount, kept } = selectUnmounts('/', table(), host);
  assert.deepEqual(unmount.map((m) => m.target), ['/nix']);
  assert.deepEqual(kept, [{ target: '/', reason: 'the running system\'s root is never unmounted' }]);
});

test('a btrfs filesystem carrying a pool label counts as the plan\'s even on another device path', () => {
  const byLabel = { devices: ['/dev/disk/by-id/unresolvable'], labels: ['hetzner-primary'] };
  const { unmount, kept } = selectUnmounts('/mnt/root', table(), byLabel);
  assert.deepEqual(unmount.map((m) => m.target), ['/mnt/root/nix', '/mnt/root/home']);
  // The ESP (vfat, no label match, device not resolvable) is someone else's as far as we can tell.
  assert.deepEqual(kept.map((k) => k.target), ['/mnt/root']);
});

test('foreign mounts below or on top of a plan mount keep it mounted, and say why', () => {
  const extra = [
    { target: '/mnt/root/home/u/cache', source: 'tmpfs', fstype: 'tmpfs', options: 'rw', fsroot: '/' },
    { target: '/mnt/root/nix', source: '/dev/vda2[/@nix]', fstype: 'btrfs', options: 'ro,subvol=/@nix', fsroot: '/@nix' },
  ];
  const { unmount, kept } = selectUnmounts('/mnt/root', table(extra), plan);
  assert.deepEqual(unmount.map((m) => m.target), ['/mnt/root/boot']);
  assert.deepEqual(kept.map((k) => k.target), ['/mnt/root', '/mnt/root/home', '/mnt/root/nix']);
  assert.match(kept[1]!.reason, /holds \/mnt\/root\/home\/u\/cache, which is not the plan's \(tmpfs\)/);
  assert.match(kept[2]!.reason, /covered by a mount that is not the plan's/);
});

test('foreignMounts: what provision would cover up below a root', () => {
  assert.deepEqual(foreignMounts('/', table(), ['/dev/loop3']).map((m) => m.target), ['/proc', '/', '/nix', '/mnt/other']);
  assert.deepEqual(foreignMounts('/mnt/root', table(), ['/dev/loop3']), []);
  const tmpfs = [{ target: '/mnt/root/tmp', source: 'tmpfs', fstype: 'tmpfs', options: 'rw', fsroot: '/' }];
  assert.deepEqual(foreignMounts('/mnt/root', table(tmpfs), ['/dev/loop3']).map((m) => m.target), ['/mnt/root/tmp']);
  assert.deepEqual(foreignMounts('/mnt', table(), ['/dev/loop3']).map((m) => m.target), ['/mnt/other']);
  assert.deepEqual(foreignMounts('/srv/empty', table(), ['/dev/loop3']), []);
});
