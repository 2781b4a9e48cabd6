import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseLosetupJson, detachLoop } from './loop.ts';

const read = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

test('parseLosetupJson reads devices and marks deleted backing files', () => {
  assert.deepEqual(parseLosetupJson(read('losetup-json-deleted.txt')), [
    { device: '/dev/loop1', backingFile: '/tmp/cap/a.img', deleted: false, readOnly: true },
    { device: '/dev/loop0', backingFile: '/tmp/cap/gone.img', deleted: true, readOnly: false },
  ]);
});

test('parseLosetupJson: no loop devices prints nothing', () => {
  assert.deepEqual(parseLosetupJson(''), []);
});

test('detachLoop refuses anything but /dev/loopN (losetup --detach takes no "--")', async () => {
  await assert.rejects(detachLoop('--all'), { code: 'not-a-loop-device' });
  await assert.rejects(detachLoop('/dev/sda'), { code: 'not-a-loop-device' });
});
