import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backupLockPath, hostLockPath, withHostLock } from './snapshot-context.ts';
import { DEFAULT_LOCK } from './options.ts';

test('the backup lock lives beside the host lock, never on the same file', () => {
  assert.equal(hostLockPath({}), DEFAULT_LOCK);
  assert.equal(backupLockPath({}), '/run/panther/backup.lock');
  assert.equal(backupLockPath({ lock: '/tmp/x/host.lock' }), '/tmp/x/backup.lock');
  assert.equal(backupLockPath({ lock: '/tmp/x/backup.lock' }), '/tmp/x/backup.lock.backup');
});

test('--wait must be a number of seconds (NaN used to wait forever)', async () => {
  for (const wait of ['soon', '-1', '']) {
    await assert.rejects(withHostLock({ lock: '/nonexistent/never-created.lock', wait }, 'test', async () => 1), (error: any) => {
      assert.equal(error.exitCode, 2);
      assert.match(error.message, /--wait/);
      return true;
    });
  }
});
