import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseFilesystemUsage } from './usage.ts';

const read = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

test('parseFilesystemUsage reads the overall numbers of a single-device filesystem', () => {
  const u = parseFilesystemUsage(read('usage-b.txt'));
  assert.equal(u.deviceSize, 268435456);
  assert.equal(u.deviceAllocated, 92274688);
  assert.equal(u.deviceUnallocated, 176160768);
  assert.equal(u.deviceMissing, 0);
  assert.equal(u.deviceSlack, 0);
  assert.equal(u.used, 458752);
  assert.equal(u.freeEstimated, 184549376);
  assert.equal(u.freeEstimatedMin, 96468992);
  assert.equal(u.freeStatfs, 183500800);
  assert.equal(u.dataRatio, 1);
  assert.equal(u.metadataRatio, 2);
  assert.equal(u.globalReserve, 5767168);
  assert.equal(u.globalReserveUsed, 0);
  assert.equal(u.multipleProfiles, false);
  assert.equal(u.deviceAllocated + u.deviceUnallocated, u.deviceSize);
});

test('parseFilesystemUsage reads block groups and per-device allocation', () => {
  const u = parseFilesystemUsage(read('usage-b.txt'));
  assert.deepEqual(u.blockGroups.map((g) => `${g.type},${g.profile}`), ['Data,single', 'Metadata,DUP', 'System,DUP']);
  assert.deepEqual(u.blockGroups[1], {
    type: 'Metadata', profile: 'DUP', size: 33554432, used: 212992,
    devices: [{ device: '/dev/loop0', bytes: 67108864 }],
  });
  assert.deepEqual(u.unallocated, [{ device: '/dev/loop0', bytes: 176160768 }]);
});

test('parseFilesystemUsage reads a two-device RAID1', () => {
  const u = parseFilesystemUsage(read('usage-b-raid1.txt'));
  assert.equal(u.dataRatio, 2);
  assert.equal(u.blockGroups[0]?.profile, 'RAID1');
  assert.equal(u.blockGroups[0]?.devices.length, 2);
  assert.deepEqual(u.unallocated.map((d) => d.device), ['/dev/loop1', '/dev/loop2']);
});

test('parseFilesystemUsage refuses human-readable output (no -b)', () => {
  assert.throws(() => parseFilesystemUsage('Overall:\n    Device size:\t\t 256.00MiB\n'), { code: 'unexpected-output' });
});
