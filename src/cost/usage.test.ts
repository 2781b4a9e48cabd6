import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DayUsage } from '../repo/backend/metered.ts';
import { addRun, emptyLedger, hiddenBytesAt, LEDGER_LIMITS } from './usage.ts';
import { ledgerPath, readLedger, recordRun } from './ledger.ts';

function day(over: Partial<DayUsage> = {}): DayUsage {
  return { calls: {}, bytesUp: 0, bytesDown: 0, bytesDeleted: 0, deletesOfUnknownSize: 0, ...over };
}

test('ledger: a run adds its days, its month sums and a run record with the stored total', () => {
  let l = addRun(emptyLedger('hetzner'), {
    kind: 'backup', started: '2027-03-31T23:50:00Z', finished: '2027-04-01T00:20:00Z',
    usage: { '2027-03-31': day({ calls: { put: 10, list: 2 }, bytesUp: 1000 }), '2027-04-01': day({ calls: { put: 5, get: 1 }, bytesUp: 500, bytesDown: 7 }) },
    stored: { bytes: 123_456, objects: 42 },
  }, 1);
  l = addRun(l, { kind: 'prune', started: '2027-04-01T05:00:00Z', finished: '2027-04-01T05:01:00Z', usage: { '2027-04-01': day({ calls: { list: 1, delete: 3 }, bytesDeleted: 900 }) }, stored: { bytes: 122_556, objects: 39 } }, 1);
  assert.deepEqual(l.days['2027-04-01']!.calls, { put: 5, get: 1, list: 1, delete: 3 });
  assert.equal(l.months['2027-03']!.bytesUp, 1000);
  assert.equal(l.months['2027-04']!.bytesUp, 500);
  assert.equal(l.months['2027-04']!.runs, 2, 'runs count in the month they finish');
  assert.equal(l.months['2027-03']!.runs, 0);
  assert.equal(l.runs.length, 2);
  assert.deepEqual(l.runs[0]!.calls, { put: 15, list: 2, get: 1 });
  assert.equal(l.runs[0]!.storedBytes, 123_456);
  assert.equal(l.runs[1]!.hiddenBytes, 900, 'deleted today: still a hidden version');
  assert.equal(emptyLedger('x').runs.length, 0);
});

test('ledger: hidden versions count only within the lifecycle delay', () => {
  const days = { '2027-04-01': day({ bytesDeleted: 100 }), '2027-04-03': day({ bytesDeleted: 10 }) };
  assert.equal(hiddenBytesAt(days, '2027-04-03T20:00:00Z', 1), 10);
  assert.equal(hiddenBytesAt(days, '2027-04-03T20:00:00Z', 3), 110);
  assert.equal(hiddenBytesAt(days, '2027-04-03T20:00:00Z', 0), 0);
});

test('ledger: old days are trimmed, month sums stay', () => {
  let l = addRun(emptyLedger('ovh'), { kind: 'backup', started: '2026-01-01T02:00:00Z', finished: '2026-01-01T03:00:00Z', usage: { '2026-01-01': day({ bytesUp: 5 }) }, stored: null }, 1);
  l = addRun(l, { kind: 'backup', started: '2027-06-01T02:00:00Z', finished: '2027-06-01T03:00:00Z', usage: { '2027-06-01': day({ bytesUp: 6 }) }, stored: null }, 1);
  assert.deepEqual(Object.keys(l.days), ['2027-06-01']);
  assert.equal(l.months['2026-01']!.bytesUp, 5);
  assert.equal(l.runs[0]!.storedBytes, null);
  assert.ok(LEDGER_LIMITS.keepDays >= 366, 'a year of days for a year-over-year view');
});

test('ledger file: missing = empty, written atomically, refused when damaged or for another host', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'panther-cost-'));
  try {
    assert.deepEqual(await readLedger(join(dir, 'state'), 'yoga'), emptyLedger('yoga'));
    const written = await recordRun(join(dir, 'state'), 'yoga', { kind: 'backup', started: '2027-01-01T02:00:00Z', finished: '2027-01-01T02:30:00Z', usage: { '2027-01-01': day({ bytesUp: 9 }) }, stored: { bytes: 9, objects: 1 } }, 1);
    assert.deepEqual(await readLedger(join(dir, 'state'), 'yoga'), written);
    assert.deepEqual(await readdir(join(dir, 'state')), ['cost-yoga.json'], 'no temporary file left behind');
    assert.equal(ledgerPath('/var/lib/panther/state', 'yoga'), '/var/lib/panther/state/cost-yoga.json');
    assert.throws(() => ledgerPath('/s', '../etc'), { code: 'bad-host' });
    const text = await readFile(join(dir, 'state', 'cost-yoga.json'), 'utf8');
    await writeFile(join(dir, 'state', 'cost-zephyrus.json'), text);
    await assert.rejects(readLedger(join(dir, 'state'), 'zephyrus'), { code: 'ledger-damaged' });
    await writeFile(join(dir, 'state', 'cost-ovh.json'), '{ nope');
    await assert.rejects(readLedger(join(dir, 'state'), 'ovh'), { code: 'ledger-damaged' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
