import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSnapshotDirs } from './snapshot-dirs.ts';

test('a snapshot directory group or others may enter is a warning with the chmod fix; 0700 is clean', () => {
  const findings = checkSnapshotDirs([
    { path: '/.snapshots', mode: 0o755 }, { path: '/.snapshots/@home', mode: 0o700 }, { path: '/.snapshots/@', mode: 0o710 },
  ], '/mnt');
  assert.deepEqual(findings.map((f) => [f.id, f.severity, f.subject]), [
    ['snapshot-dir-readable', 'warning', '/.snapshots'], ['snapshot-dir-readable', 'warning', '/.snapshots/@'],
  ]);
  assert.match(findings[0]!.fix, /^chmod 700 \/mnt\/\.snapshots /);
  assert.match(findings[0]!.found, /0755/);
  assert.deepEqual(checkSnapshotDirs([{ path: '/.snapshots', mode: 0o700 }], '/'), []);
});
