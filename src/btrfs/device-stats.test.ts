import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDeviceStats, totalErrors } from './device-stats.ts';

const read = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

test('parseDeviceStats reads the five counters per device', () => {
  assert.deepEqual(parseDeviceStats(read('device-stats.txt')), [{
    device: '/dev/loop0', writeIoErrs: 0, readIoErrs: 0, flushIoErrs: 0, corruptionErrs: 0, generationErrs: 0,
  }]);
  const two = parseDeviceStats(read('device-stats-two.txt'));
  assert.deepEqual(two.map((d) => d.device), ['/dev/loop1', '/dev/loop2']);
  assert.equal(totalErrors(two), 0);
});

test('parseDeviceStats sees corruption found by a scrub', () => {
  const stats = parseDeviceStats(read('device-stats-corrupt.txt'));
  assert.equal(stats[1]?.corruptionErrs, 8);
  assert.equal(stats[0]?.corruptionErrs, 0);
  assert.equal(totalErrors(stats), 8);
});
