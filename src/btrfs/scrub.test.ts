import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseScrubStatus } from './scrub.ts';

const read = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

test('parseScrubStatus: never scrubbed', () => {
  const s = parseScrubStatus(read('scrub-status-none.txt'));
  assert.equal(s.hasStats, false);
  assert.equal(s.uuid, '965fc183-aae0-4337-9083-fe1fd47381d7');
  assert.equal(s.startedText, null);
  assert.equal(s.status, null);
  assert.deepEqual(s.errors, {});
});

test('parseScrubStatus: finished without errors (raw and human sizes)', () => {
  const raw = parseScrubStatus(read('scrub-status-done-raw.txt'));
  assert.deepEqual(raw, {
    uuid: '965fc183-aae0-4337-9083-fe1fd47381d7',
    hasStats: true,
    startedText: 'Tue Nov 24 06:32:03 2026',
    status: 'finished',
    durationSeconds: 0,
    totalToScrubBytes: 458752,
    errors: {},
    corrected: 0,
    uncorrectable: 0,
    unverified: 0,
  });
  assert.equal(parseScrubStatus(read('scrub-status-done.txt')).totalToScrubBytes, 458752);
});

test('parseScrubStatus: start -B output has the uuid on its first line', () => {
  const s = parseScrubStatus(read('scrub-start-B.txt'));
  assert.equal(s.uuid, '965fc183-aae0-4337-9083-fe1fd47381d7');
  assert.equal(s.status, 'finished');
  assert.equal(s.totalToScrubBytes, 184 * 1024 * 1024);
});

test('parseScrubStatus: corrected and uncorrectable errors', () => {
  const fixed = parseScrubStatus(read('scrub-status-corrected.txt'));
  assert.deepEqual(fixed.errors, { csum: 8 });
  assert.equal(fixed.corrected, 8);
  assert.equal(fixed.uncorrectable, 0);
  const lost = parseScrubStatus(read('scrub-start-B-uncorrectable.txt'));
  assert.deepEqual(lost.errors, { csum: 2 });
  assert.equal(lost.uncorrectable, 2);
  assert.equal(parseScrubStatus(read('scrub-status-uncorrectable.txt')).uncorrectable, 2);
});

test('parseScrubStatus reads long durations', () => {
  assert.equal(parseScrubStatus('Duration:         26:01:02\n').durationSeconds, 26 * 3600 + 62);
});
