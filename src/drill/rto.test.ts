import { test } from 'node:test';
import assert from 'node:assert/strict';
import { impliedRto } from './rto.ts';

test('a local restore: the measured time scaled to the real size, against the objective', () => {
  // 1 GB in 10 s → 100 MB/s; 30 GB → 300 s = 5 min.
  const r = impliedRto({ restoredBytes: 1e9, restoreMs: 10_000, storedBytes: 4e8, realBytes: 30e9, objectiveMinutes: 30, offsite: false });
  assert.equal(r.impliedMinutes, 5);
  // 400 MB at 10 Mbit/s = 320 s.
  assert.equal(r.impliedMinutesAtLink, 5.33);
  assert.equal(r.met, true);
});

test('offsite: the link bounds it, so a fast measured restore still misses a short objective', () => {
  const r = impliedRto({ restoredBytes: 1e9, restoreMs: 1_000, storedBytes: 6e9, realBytes: 1e9, objectiveMinutes: 60, offsite: true });
  assert.equal(r.impliedMinutesAtLink, 80);
  assert.equal(r.met, false);
  assert.equal(impliedRto({ restoredBytes: 1e9, restoreMs: 1_000, storedBytes: 6e9, realBytes: 1e9, objectiveMinutes: 60, offsite: false }).met, true);
});

test('no objective: nothing to meet; nothing restored: no time implied', () => {
  assert.equal(impliedRto({ restoredBytes: 1, restoreMs: 0, storedBytes: 0, realBytes: 0, objectiveMinutes: null, offsite: false }).met, null);
  assert.equal(impliedRto({ restoredBytes: 0, restoreMs: 5, storedBytes: 0, realBytes: 0, objectiveMinutes: 10, offsite: true }).impliedMinutes, 0);
});
