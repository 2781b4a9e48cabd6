// The owner's name, whether the owner can reach the run directory, setpriv's argument order, the
// log tail, and how a failure becomes a drill reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PantherError } from '../../core/errors.ts';
import { blockedAncestor, lastLines, setprivArgs, userNameFor } from './run-as-owner.ts';
import { isProgrammingError, reasonOf } from './result.ts';

test('user names from /etc/passwd text', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/bash\npostgres:x:71:71::/var/lib/postgresql:/bin/sh\nbroken\n';
  assert.equal(userNameFor(passwd, 71), 'postgres');
  assert.equal(userNameFor(passwd, 0), 'root');
  assert.equal(userNameFor(passwd, 999), null);
});

test('the run directory must be reachable by the owner', () => {
  const owner = { uid: 71, gid: 71 };
  const chain = (mode: number, uid = 0, gid = 0) => [{ path: '/', mode: 0o40755, uid: 0, gid: 0 }, { path: '/tmp/drill', mode, uid, gid }];
  assert.equal(blockedAncestor(chain(0o40700), owner), '/tmp/drill');
  assert.equal(blockedAncestor(chain(0o40711), owner), null);
  assert.equal(blockedAncestor(chain(0o40710, 0, 71), owner), null, 'through the group');
  assert.equal(blockedAncestor(chain(0o40701, 0, 71), owner), '/tmp/drill', 'the group bits apply, not the others\'');
  assert.equal(blockedAncestor(chain(0o40700, 71), owner), null, 'its own');
  assert.equal(blockedAncestor(chain(0o40700), { uid: 0, gid: 0 }), null, 'root passes');
});

test('setpriv: uid and gid, no groups, no new privileges, killed with its parent, then the program', () => {
  assert.deepEqual(setprivArgs({ uid: 71, gid: 72 }, '/usr/lib/postgresql/15/bin/postgres', ['-D', '/x y']), [
    '--reuid=71', '--regid=72', '--clear-groups', '--no-new-privs', '--pdeathsig', 'KILL', '--', '/usr/lib/postgresql/15/bin/postgres', '-D', '/x y',
  ]);
});

test('the last lines of a log', () => {
  assert.equal(lastLines('a\n\nb\nc\n', 2), 'b\nc');
  assert.equal(lastLines('', 2), '(the log is empty)');
});

test('a failure becomes a reason; bugs stay bugs', () => {
  assert.deepEqual(reasonOf(new PantherError('postgres-exited', 'it exited', { hint: 'look' }), 'x', 'drill'), { code: 'postgres-exited', message: 'it exited', hint: 'look' });
  assert.deepEqual(reasonOf(new Error('ECONNRESET'), 'postgres-drill-failed', 'PostgreSQL drill of .'), { code: 'postgres-drill-failed', message: 'PostgreSQL drill of .: ECONNRESET' });
  assert.equal(reasonOf(AbortSignal.abort().reason, 'x', 'drill').code, 'drill-aborted');
  assert.equal(isProgrammingError(new TypeError('x')), true);
  assert.equal(isProgrammingError(new Error('x')), false);
});
