import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beginRun, emptyState, finishRun, readBackupState, recordItem, statePath, writeBackupState } from './window-progress.ts';

const estimate = { totalBytes: 300e9, source: 'pool-used' as const, label: 'first upload: pool used space (upper bound)' };

test('progress: interrupted nights add up until the upload completes', () => {
  let s = beginRun(emptyState('yoga', '2026-03-10T02:00:00Z'), '2026-03-10T02:00:00Z', null);
  s = recordItem(s, { subvolume: '@home', snapshot: '@home.a', outcome: 'interrupted', reason: 'full', kind: 'full', streamBytes: 15e9, storedBytes: 13e9, estimate }, '2026-03-10T04:58:00Z');
  s = finishRun(s, '2026-03-10T04:58:00Z', 'window-closed', 'window closed; 13 GB stored; resumes next night', null);
  assert.equal(s.lastRun?.storedBytes, 13e9);
  assert.equal(s.lastRun?.outcome, 'window-closed');
  s = beginRun(s, '2026-03-11T02:00:00Z', null);
  // The next night sends a newer snapshot of the same subvolume: still the same unfinished upload.
  s = recordItem(s, { subvolume: '@home', snapshot: '@home.b', outcome: 'interrupted', reason: 'full', kind: 'full', streamBytes: 30e9, storedBytes: 13.4e9 }, '2026-03-11T04:58:00Z');
  const p = s.subvolumes['@home']!.inProgress!;
  assert.deepEqual({ ...p }, { snapshot: '@home.b', kind: 'full', since: '2026-03-10T04:58:00Z', attempts: 2, storedBytes: 26.4e9, streamBytesReached: 30e9, estimate });
  s = recordItem(s, { subvolume: '@home', snapshot: '@home.b', outcome: 'complete', reason: 'full', kind: 'full', point: 'f'.repeat(64), streamBytes: 300e9, storedBytes: 1e9, points: 1 }, '2026-03-12T03:00:00Z');
  const home = s.subvolumes['@home']!;
  assert.equal(home.inProgress, null);
  assert.equal(home.points, 1);
  assert.equal(home.lastComplete?.point, 'f'.repeat(64));
});

test('progress: written whole and read back; a damaged file is an error, a missing one a fresh state', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'panther-state-'));
  try {
    const fresh = await readBackupState(join(dir, 'nested'), 'yoga', '2026-03-10T00:00:00Z');
    assert.deepEqual(fresh, emptyState('yoga', '2026-03-10T00:00:00Z'));
    const s = recordItem(beginRun(fresh, '2026-03-10T02:00:00Z', null), { subvolume: '@home', snapshot: null, outcome: 'window-closed', reason: 'window closed' }, '2026-03-10T02:00:00Z');
    await writeBackupState(join(dir, 'nested'), s);
    assert.deepEqual(await readdir(join(dir, 'nested')), ['backup-yoga.json'], 'no temporary file left behind');
    assert.deepEqual(JSON.parse(await readFile(statePath(join(dir, 'nested'), 'yoga'), 'utf8')), s);
    assert.deepEqual(await readBackupState(join(dir, 'nested'), 'yoga', 'x'), s);
    await writeFile(statePath(dir, 'yoga'), '{"format":"other"}');
    await assert.rejects(readBackupState(dir, 'yoga', 'x'), { code: 'state-damaged' });
    await writeFile(statePath(dir, 'yoga'), '{');
    await assert.rejects(readBackupState(dir, 'yoga', 'x'), { code: 'state-damaged' });
    assert.throws(() => statePath(dir, '../etc/x'), { code: 'bad-host' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
