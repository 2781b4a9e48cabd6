import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specPlan } from '../../test/support/plans.ts';
import { backupStatusOf } from './status.ts';
import { beginRun, emptyState, recordItem } from './window-progress.ts';

const NOW = '2027-01-05T12:00:00.000Z';

test('backup status: an unfinished upload carries the nights it still needs; all of them together too', () => {
  const plan = { ...specPlan('yoga'), snapshots: { ...specPlan('yoga').snapshots, timezone: 'UTC' } };
  let state = beginRun(emptyState('yoga', NOW), NOW, null);
  state = recordItem(state, {
    subvolume: '@home', snapshot: '@home.1', outcome: 'interrupted', reason: 'window closed', kind: 'full',
    streamBytes: 2e9, storedBytes: 1e9, estimate: { totalBytes: 50e9, source: 'pool-used', label: 'first upload: pool used space (upper bound)' },
  }, NOW);
  const status = backupStatusOf(state, plan, Date.parse(NOW), '/state/backup-yoga.json');
  assert.equal(status.host, 'yoga');
  assert.equal(status.window?.now.open, false);
  const home = status.subvolumes.find((s) => s.name === '@home')!;
  assert.equal(home.forecast?.remainingBytes, 49e9);
  assert.ok(home.forecast!.nights! > 1, `${home.forecast!.nights} nights`);
  assert.deepEqual(status.forecast?.remainingBytes, 49e9);
  // No plan: no window, no forecast, the state as it is.
  const bare = backupStatusOf(state, null, Date.parse(NOW), '/state/backup-yoga.json');
  assert.equal(bare.window, null);
  assert.equal(bare.subvolumes[0]!.forecast, null);
  assert.equal(bare.forecast, null);
});
