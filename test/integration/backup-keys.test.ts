// Opening a repository through the CLI with the wrong secret, with no key files, and with secret
// files that do not exist: the documented exit codes (10 no repository / no key, 12 wrong key) and a
// message that says what is wrong, naming the file, never echoing a secret. Needs no btrfs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../support/cli.ts';
import { writeAgeIdentity } from '../support/trees.ts';

const HOST = 'keyhost';
const PASSPHRASE = 'correct horse battery staple 7f3a';
const WRONG = 'incorrect pony battery staple 19c2';

describe('repository secrets through the CLI', () => {
  let dir: string;
  let repo: string;
  let good: string;
  let wrong: string;
  let identityFile: string;
  const noSecretShown = (r: CliResult): void => {
    for (const secret of [PASSPHRASE, WRONG]) {
      assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'a passphrase appears in the output');
    }
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'panther-keys-'));
    repo = join(dir, 'repo');
    good = join(dir, 'passphrase');
    wrong = join(dir, 'wrong-passphrase');
    await writeFile(good, `${PASSPHRASE}\n`, { mode: 0o600 });
    await writeFile(wrong, `${WRONG}\n`, { mode: 0o600 });
    identityFile = (await writeAgeIdentity(dir)).identityFile;
    const init = await runCli('backup', 'init', '--repo', repo, '--host', HOST, '--passphrase-file', good, '--scrypt-log-n', '15', '--json');
    assert.equal(init.code, 0, init.stderr);
    assert.equal(init.json().keys.length, 1);
    noSecretShown(init);
  });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  test('the right passphrase opens it', async () => {
    const list = await runCli('backup', 'list', '--repo', repo, '--host', HOST, '--passphrase-file', good, '--json');
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(list.json().points, []);
  });

  test('a wrong passphrase exits 12 and says no key file opens with it', async () => {
    for (const command of [['backup', 'list'], ['backup', 'check'], ['restore', 'anything', '--to', dir]]) {
      const r = await runCli(...command, '--repo', repo, '--host', HOST, '--passphrase-file', wrong);
      assert.equal(r.code, 12, `${command.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /none of the 1 key file\(s\) of keyhost opens with this passphrase or identity/);
      assert.match(r.stderr, /hint: check the passphrase or identity file/);
      noSecretShown(r);
    }
    const json = await runCli('backup', 'list', '--repo', repo, '--host', HOST, '--passphrase-file', wrong, '--json');
    assert.equal(json.code, 12);
    assert.equal(json.json().error, 'wrong-key');
  });

  test('an age identity that is not a recipient exits 12 too', async () => {
    const r = await runCli('backup', 'list', '--repo', repo, '--host', HOST, '--identity-file', identityFile);
    assert.equal(r.code, 12, r.stderr);
    assert.match(r.stderr, /opens with this passphrase or identity/);
  });

  test('--passphrase-file naming a missing file is a clear error naming the file', async () => {
    const missing = join(dir, 'no-such-dir', 'passphrase');
    const r = await runCli('backup', 'list', '--repo', repo, '--host', HOST, '--passphrase-file', missing, '--json');
    assert.notEqual(r.code, 0);
    assert.notEqual(r.code, 12, 'not a wrong key: the file is missing');
    assert.ok(r.stderr.includes(missing), r.stderr);
    assert.match(r.stderr, /cannot be read \(ENOENT\)/);
    assert.doesNotMatch(r.stderr, /internal error/);
    assert.equal(r.json().error, 'secret-unreadable');
    const idMissing = join(dir, 'no-identity.txt');
    const id = await runCli('backup', 'list', '--repo', repo, '--host', HOST, '--identity-file', idMissing);
    assert.notEqual(id.code, 0);
    assert.ok(id.stderr.includes(idMissing), id.stderr);
    const empty = join(dir, 'empty-passphrase');
    await writeFile(empty, '\n');
    const e = await runCli('backup', 'list', '--repo', repo, '--host', HOST, '--passphrase-file', empty);
    assert.notEqual(e.code, 0);
    assert.ok(e.stderr.includes(empty) && /is empty/.test(e.stderr), e.stderr);
  });

  test('no repository for the host exits 10', async () => {
    const r = await runCli('backup', 'list', '--repo', repo, '--host', 'otherhost', '--passphrase-file', good);
    assert.equal(r.code, 10, r.stderr);
    assert.match(r.stderr, /no repository for host otherhost/);
  });

  test('missing key files exit 10 and say the keys are gone (last: it removes them)', async () => {
    const keys = join(repo, HOST, 'keys');
    const names = await readdir(keys);
    assert.equal(names.filter((n) => !n.startsWith('.')).length, 1);
    for (const name of names) await rm(join(keys, name));
    for (const secret of [['--passphrase-file', good], ['--passphrase-file', wrong]]) {
      const r = await runCli('backup', 'list', '--repo', repo, '--host', HOST, ...secret);
      assert.equal(r.code, 10, r.stderr);
      assert.match(r.stderr, /has no key files under keyhost\/keys\//);
      noSecretShown(r);
    }
  });
});
