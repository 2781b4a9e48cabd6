import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExitCode, PantherError } from '../core/errors.ts';
import { errorAnswer, HttpError, statusOf } from './errors.ts';

test('a command\'s error keeps its code and hint with the status it deserves', () => {
  assert.equal(statusOf(new PantherError('no-such-snapshot', 'm')), 404);
  assert.equal(statusOf(new PantherError('unsafe-path', 'm', { exitCode: ExitCode.usage })), 400);
  assert.equal(statusOf(new PantherError('source-through-link', 'm')), 400);
  assert.equal(statusOf(new PantherError('snapshot-protected', 'm', { exitCode: ExitCode.refused })), 409);
  assert.equal(statusOf(new PantherError('locked', 'm', { exitCode: ExitCode.locked })), 409);
  assert.equal(statusOf(new PantherError('restore-failed', 'm')), 500);
  const a = errorAnswer(new PantherError('snapshot-protected', 'x is pinned', { exitCode: ExitCode.refused, hint: 'unpin it' }), () => undefined);
  assert.deepEqual(a, { status: 409, headers: {}, body: { error: { code: 'snapshot-protected', message: 'x is pinned', hint: 'unpin it' } } });
});

test('anything else is `internal`: its message and stack go to the log, never to the client', () => {
  const logged: string[] = [];
  const a = errorAnswer(new TypeError('secret internals at /src/x.ts:1'), (l) => { logged.push(l); });
  assert.equal(a.status, 500);
  assert.equal(a.body.error.code, 'internal');
  assert.doesNotMatch(JSON.stringify(a.body), /secret internals|\.ts:/);
  assert.match(logged.join('\n'), /secret internals/);
  const h = errorAnswer(new HttpError(429, 'rate-limited', 'm', 'wait 3 s', { 'retry-after': '3' }), () => undefined);
  assert.deepEqual(h.headers, { 'retry-after': '3' });
});
