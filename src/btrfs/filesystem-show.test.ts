import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseFilesystemShow } from './filesystem-show.ts';

const read = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

test('parseFilesystemShow reads --raw output exactly', () => {
  assert.deepEqual(parseFilesystemShow(read('fs-show-raw-single.txt')), [{
    label: 'caplabel',
    uuid: '965fc183-aae0-4337-9083-fe1fd47381d7',
    totalDevices: 1,
    bytesUsed: 229376,
    devices: [{ devid: 1, size: 268435456, used: 192937984, path: '/dev/loop0' }],
    missingDevices: false,
  }]);
});

test('parseFilesystemShow reads human-readable sizes and several devices', () => {
  const [single] = parseFilesystemShow(read('fs-show-single.txt'));
  assert.equal(single?.devices[0]?.size, 256 * 1024 * 1024);
  const [two] = parseFilesystemShow(read('fs-show-two.txt'));
  assert.equal(two?.label, 'duo');
  assert.deepEqual(two?.devices.map((d) => d.path), ['/dev/loop1', '/dev/loop2']);
  assert.equal(two?.missingDevices, false);
});

test('parseFilesystemShow notices missing devices and unlabeled filesystems', () => {
  const text = [
    "Label: none  uuid: 8e983d82-9e5d-4fce-a498-1db9990a604f",
    '\tTotal devices 2 FS bytes used 4341760',
    '\tdevid    1 size 268435456 used 109051904 path /dev/loop1',
    '\t*** Some devices missing',
  ].join('\n');
  const [fs] = parseFilesystemShow(text);
  assert.equal(fs?.label, null);
  assert.equal(fs?.missingDevices, true);
});
