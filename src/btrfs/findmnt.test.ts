import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseFindmntJson, mountInfoOptions } from './findmnt.ts';

const read = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

test('parseFindmntJson flattens a mount tree, parents first', () => {
  const mounts = parseFindmntJson(read('findmnt-R-cols.txt'));
  assert.deepEqual(mounts.map((m) => m.target), ['/tmp/cap/root', '/tmp/cap/root/home', '/tmp/cap/root/db']);
  const home = mounts[1]!;
  assert.equal(home.device, '/dev/loop0');
  assert.equal(home.source, '/dev/loop0[/@home]');
  assert.equal(home.fstype, 'btrfs');
  assert.equal(home.subvol, '/@home');
  assert.equal(home.subvolid, 257);
  assert.equal(home.fsroot, '/@home');
  assert.equal(home.options['nodev'], true);
  assert.equal(home.options['compress'], 'zstd:3');
});

test('parseFindmntJson works without the FSROOT column', () => {
  const mounts = parseFindmntJson(read('findmnt-submounts.txt'));
  assert.equal(mounts.length, 3);
  assert.equal(mounts[0]?.fsroot, null);
  assert.equal(mounts[0]?.subvol, '/@');
});

test('mountInfoOptions keeps commas inside subvol=, which btrfs prints last and unescaped', () => {
  const [weird] = parseFindmntJson(read('findmnt-weird.txt'));
  assert.equal(weird?.subvol, '/we ird,x');
  assert.equal(weird?.fsroot, '/we ird,x');
  assert.equal(weird?.subvolid, 263);
  assert.deepEqual(mountInfoOptions('rw,noatime,subvol=/a,b'), { rw: true, noatime: true, subvol: '/a,b' });
  assert.deepEqual(mountInfoOptions('subvol=/x'), { subvol: '/x' });
});

test('parseFindmntJson: nothing mounted prints nothing', () => {
  assert.deepEqual(parseFindmntJson(''), []);
});

test('non-btrfs mounts have no subvol', () => {
  const text = JSON.stringify({ filesystems: [{ target: '/boot', source: '/dev/vda1', fstype: 'vfat', options: 'rw,relatime,fmask=0022' }] });
  const [boot] = parseFindmntJson(text);
  assert.equal(boot?.subvol, null);
  assert.equal(boot?.options['fmask'], '0022');
});
