import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { shellQuote, shellWord } from './shell.ts';

const HOSTILE = [
  '', ' ', "it's", "'", "''", '"$(touch /tmp/pwned)"', '`id`', '$HOME', '${x}', 'a b\tc', 'line\nbreak',
  '\\', '-rf', '*', '?', '[a]', '~', '!', ';', '&&', '|', '#comment', '@home', '/var/lib/postgresql',
  'ünïcødé', '\r\n',
];

test('shellQuote: bash reads every hostile word back byte for byte', () => {
  // printf '%s\0' keeps words apart even when they contain newlines.
  const script = `printf '%s\\0' ${HOSTILE.map(shellQuote).join(' ')}`;
  const result = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(result.stdout.split('\0').slice(0, -1), HOSTILE);
});

test('shellQuote: always single quotes, escapes embedded quotes', () => {
  assert.equal(shellQuote('/home'), `'/home'`);
  assert.equal(shellQuote("a'b"), `'a'\\''b'`);
  assert.throws(() => shellQuote('a\0b'), /NUL/);
});

test('shellWord: plain words stay bare, anything else is quoted', () => {
  assert.equal(shellWord('zephyrus-primary'), 'zephyrus-primary');
  assert.equal(shellWord('-L'), '-L');
  assert.equal(shellWord('a b'), `'a b'`);
  assert.equal(shellWord('$x'), `'$x'`);
  assert.equal(shellWord(''), `''`);
});
