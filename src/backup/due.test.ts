// The plan schema accepts exactly the backup frequencies this engine implements: a frequency the
// schema let through but due.ts did not know was never backed up, with every run exiting 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKUP_FREQUENCIES } from '../plan/types.ts';
import { backupFrequency } from '../plan/schema.ts';
import { snapshotToBackUp } from './due.ts';
import type { PointView, SnapshotView } from './chain.ts';

const snap = (uuid: string, time: string): SnapshotView => ({ uuid, time }) as SnapshotView;
const point = (snapshotUuid: string, time: string): PointView => ({ snapshotUuid, time }) as PointView;

test('every frequency the schema accepts is one the engine backs up (or "never")', () => {
  const now = '2027-03-15T03:00:00Z';
  const newest = snap('b', '2027-03-15T02:00:00Z');
  // A point from 40 days ago: every implemented period (day, ISO week, month) wants a new one now.
  const old = [point('a', '2027-02-03T02:00:00Z')];
  for (const frequency of BACKUP_FREQUENCIES) {
    assert.equal(backupFrequency.safeParse(frequency).success, true, frequency);
    const chosen = snapshotToBackUp(frequency, [snap('a', '2027-02-03T02:00:00Z'), newest], old, now, 'UTC');
    assert.equal(chosen?.uuid ?? null, frequency === 'never' ? null : 'b', frequency);
  }
});

test('frequencies the engine does not implement are refused by the schema', () => {
  for (const frequency of ['hourly', 'Daily', 'yearly', 'DAILY', '', 'daily ']) {
    assert.equal(backupFrequency.safeParse(frequency).success, false, frequency);
  }
});
