import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authenticator, checkTokens, originAllowed, readTokenFile, roleAllows, sameSecret } from './auth.ts';
import { HttpError } from './errors.ts';
import { PantherError } from '../core/errors.ts';

const READ = '0123456789abcdef-read';
const ADMIN = '0123456789abcdef-admin';

test('sameSecret: equal only when equal, whatever the lengths (digests are compared, never the raw strings)', () => {
  assert.equal(sameSecret(READ, READ), true);
  assert.equal(sameSecret(READ, `${READ}x`), false);
  assert.equal(sameSecret(READ, READ.slice(0, -1)), false);
  assert.equal(sameSecret('', 'x'.repeat(10_000)), false);
  assert.equal(sameSecret('é', 'e\u0301'), false);
});

test('roles: the admin token reads too, the read token does not change state, anything else is 401', () => {
  const auth = authenticator({ read: READ, admin: ADMIN });
  assert.equal(auth.roleOf(`Bearer ${READ}`), 'read');
  assert.equal(auth.roleOf(`Bearer ${ADMIN}`), 'admin');
  for (const h of [undefined, '', READ, `bearer ${READ}`, `Bearer  ${READ}`, `Bearer ${READ} `, `Basic ${READ}`, `Bearer ${READ}x`]) {
    assert.throws(() => auth.roleOf(h), (e: unknown) => e instanceof HttpError && e.status === 401 && !e.message.includes(READ), String(h));
  }
  assert.equal(roleAllows('admin', 'read'), true);
  assert.equal(roleAllows('admin', 'admin'), true);
  assert.equal(roleAllows('read', 'read'), true);
  assert.equal(roleAllows('read', 'admin'), false);
  // Without a read token, only the admin token gets in.
  const adminOnly = authenticator({ read: null, admin: ADMIN });
  assert.throws(() => adminOnly.roleOf(`Bearer ${READ}`), HttpError);
  assert.equal(adminOnly.roleOf(`Bearer ${ADMIN}`), 'admin');
});

test('CSRF values: one per token, not guessable from another token\'s, different per server start', () => {
  const auth = authenticator({ read: READ, admin: ADMIN });
  const admin = auth.csrfFor(`Bearer ${ADMIN}`);
  assert.equal(auth.csrfMatches(`Bearer ${ADMIN}`, admin), true);
  assert.equal(auth.csrfMatches(`Bearer ${ADMIN}`, auth.csrfFor(`Bearer ${READ}`)), false);
  assert.equal(auth.csrfMatches(`Bearer ${ADMIN}`, undefined), false);
  assert.equal(auth.csrfMatches(`Bearer ${ADMIN}`, ''), false);
  assert.ok(!admin.includes(ADMIN));
  assert.notEqual(authenticator({ read: READ, admin: ADMIN }).csrfFor(`Bearer ${ADMIN}`), admin);
});

test('origin check: absent or the same host passes; another host, another port or garbage does not', () => {
  assert.equal(originAllowed(undefined, '127.0.0.1:9978'), true);
  assert.equal(originAllowed('http://127.0.0.1:9978', '127.0.0.1:9978'), true);
  assert.equal(originAllowed('https://snapshots.example', 'snapshots.example'), true);
  assert.equal(originAllowed('https://evil.example', 'snapshots.example'), false);
  assert.equal(originAllowed('http://127.0.0.1:1234', '127.0.0.1:9978'), false);
  assert.equal(originAllowed('null', '127.0.0.1:9978'), false);
  assert.equal(originAllowed('http://a', undefined), false);
});

test('token files: one token on one line, a file only its owner (and group, with a warning) may read', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'panther-tokens-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = async (name: string, text: string, mode = 0o600): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, text);
    await chmod(path, mode);
    return path;
  };
  const warnings: string[] = [];
  const warn = (l: string): void => { warnings.push(l); };
  assert.equal(await readTokenFile(await file('ok', `${READ}\n`), warn), READ);
  assert.deepEqual(warnings, []);
  assert.equal(await readTokenFile(await file('group', READ, 0o640), warn), READ);
  assert.equal(warnings.length, 1);
  assert.ok(!String((warnings as string[])[0]).includes(READ));
  const refusedWith = async (path: string, why: RegExp): Promise<void> => {
    await assert.rejects(readTokenFile(path, warn), (e: unknown) => e instanceof PantherError && e.code === 'serve-token-file' && why.test(e.message) && !e.message.includes(READ), path);
  };
  await refusedWith(await file('world', READ, 0o644), /every user/);
  await refusedWith(await file('empty', ''), /empty/);
  await refusedWith(await file('short', 'abc'), /fewer than 16/);
  await refusedWith(await file('two', `${READ}\n${ADMIN}\n`), /more than one line/);
  await refusedWith(await file('space', `${READ} ${READ}`), /spaces/);
  await refusedWith(join(dir, 'missing'), /cannot read it/);
  await symlink(join(dir, 'ok'), join(dir, 'link'));
  await refusedWith(join(dir, 'link'), /not a regular file/);
});

test('token pairs: at least one token, and the two must differ', () => {
  assert.throws(() => checkTokens({ read: null, admin: null }), (e: unknown) => e instanceof PantherError && e.code === 'serve-no-token');
  assert.throws(() => checkTokens({ read: READ, admin: READ }), (e: unknown) => e instanceof PantherError && e.code === 'serve-same-tokens');
  checkTokens({ read: READ, admin: null });
  checkTokens({ read: null, admin: ADMIN });
  checkTokens({ read: READ, admin: ADMIN });
});
