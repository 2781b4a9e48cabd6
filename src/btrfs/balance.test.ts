import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseBalanceStatus } from './balance.ts';
import { parseFilesystemDu } from './filesystem-du.ts';

const read = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

test('parseBalanceStatus: none, running and paused as btrfs-progs 6.2 prints them', () => {
  assert.equal(parseBalanceStatus(read('balance-status-none.txt')), 'none');
  assert.equal(parseBalanceStatus(read('balance-status-running.txt')), 'running');
  assert.equal(parseBalanceStatus(read('balance-status-paused.txt')), 'paused');
});

test('parseBalanceStatus: an unknown answer is unexpected-output, not "no balance"', () => {
  assert.throws(() => parseBalanceStatus('ERROR: something else\n'), { code: 'unexpected-output' });
});

test('parseFilesystemDu: one summary per path, raw bytes, paths with spaces kept', () => {
  assert.deepEqual(parseFilesystemDu(read('fi-du-s-raw.txt')), [
    { path: '/tmp/mc-bm/s1', totalBytes: 2048000, exclusiveBytes: 1126400, setSharedBytes: 921600 },
    { path: '/tmp/mc-bm/s2', totalBytes: 921600, exclusiveBytes: 0, setSharedBytes: 921600 },
  ]);
  assert.equal(parseFilesystemDu('     Total   Exclusive  Set shared  Filename\n 1 2 3  /a b/c\n')[0]!.path, '/a b/c');
  assert.throws(() => parseFilesystemDu('garbage line\n'), { code: 'unexpected-output' });
});
