// A repository holding one host needs no --host: commands that read a repository use its only host and
// say so; with several hosts the error lists them; with none it says there is no repository. The same
// for backup status and cost, which read the state directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli.ts';
import { emptyState, writeBackupState } from '../src/backup/window-progress.ts';
import { writeLedger } from '../src/cost/ledger.ts';
import { emptyLedger } from '../src/cost/usage.ts';

let dir: string;
let repo: string;
let passphrase: string;
const saved: Record<string, string | undefined> = {};
const ENV = ['PANTHER_REPO', 'PANTHER_PLAN', 'PANTHER_PASSPHRASE_FILE', 'PANTHER_STATE_DIR'];
const ONLY = /using host alpha, the only host in the repository/;

async function init(host: string): Promise<void> {
  const r = await runCli('backup', 'init', '--repo', repo, '--host', host, '--passphrase-file', passphrase, '--scrypt-log-n', '15');
  assert.equal(r.code, 0, r.stderr);
}

before(async () => {
  for (const name of ENV) { saved[name] = process.env[name]; delete process.env[name]; }
  dir = await mkdtemp(join(tmpdir(), 'panther-cli-host-'));
  // backup check records its result in the state directory: never the machine's.
  process.env['PANTHER_STATE_DIR'] = join(dir, 'state');
  repo = join(dir, 'repo');
  passphrase = join(dir, 'passphrase');
  await writeFile(passphrase, 'correct horse battery staple\n');
  await init('alpha');
  // Not hosts: a name outside the host-name rule, and a prefix without a config object.
  await mkdir(join(repo, 'Not_A_Host'), { recursive: true });
  await writeFile(join(repo, 'Not_A_Host', 'config'), 'x');
  await mkdir(join(repo, 'gamma', 'keys'), { recursive: true });
});

after(async () => {
  for (const name of ENV) { if (saved[name] === undefined) delete process.env[name]; else process.env[name] = saved[name]; }
  await rm(dir, { recursive: true, force: true });
});

test('one host: backup list, check, key list and unlock use it and say so on stderr', async () => {
  const list = await runCli('backup', 'list', '--repo', repo, '--passphrase-file', passphrase, '--json');
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stderr, ONLY);
  assert.equal(list.json().host, 'alpha');
  for (const argv of [['backup', 'check'], ['backup', 'key', 'list'], ['backup', 'unlock']]) {
    const r = await runCli(...argv, '--repo', repo, '--passphrase-file', passphrase);
    assert.equal(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, ONLY, argv.join(' '));
  }
});

test('one host: restore uses it (and then fails on the point, not on the host)', async () => {
  const r = await runCli('restore', 'no-such-point', '--to', join(dir, 'restored'), '--repo', repo, '--passphrase-file', passphrase);
  assert.match(r.stderr, ONLY);
  assert.doesNotMatch(r.stderr, /which host/);
  assert.notEqual(r.code, 0);
});

test('the repository from $PANTHER_REPO works the same', async () => {
  process.env['PANTHER_REPO'] = repo;
  try {
    const r = await runCli('backup', 'list', '--passphrase-file', passphrase);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, ONLY);
  } finally {
    delete process.env['PANTHER_REPO'];
  }
});

test('no repository at all: exit 10, says so, no directory created', async () => {
  const missing = join(dir, 'nothing-here');
  const r = await runCli('backup', 'list', '--repo', missing, '--passphrase-file', passphrase);
  assert.equal(r.code, 10, r.stderr);
  assert.match(r.stderr, /holds no repository of any host/);
  assert.match(r.stderr, /backup init/);
  assert.equal(existsSync(missing), false);
});

test('several hosts: exit 2, lists them and says to pass --host; --host picks one', async () => {
  await init('beta');
  for (const argv of [['backup', 'list'], ['backup', 'check'], ['restore', 'x', '--stdout']]) {
    const r = await runCli(...argv, '--repo', repo, '--passphrase-file', passphrase);
    assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /which host\? .* holds 2 hosts: alpha, beta/);
    assert.match(r.stderr, /hint: pass --host NAME/);
    assert.doesNotMatch(r.stderr, /using host/);
  }
  const json = await runCli('backup', 'list', '--repo', repo, '--passphrase-file', passphrase, '--json');
  assert.deepEqual(json.json().details.hosts, ['alpha', 'beta']);
  const picked = await runCli('backup', 'list', '--repo', repo, '--host', 'beta', '--passphrase-file', passphrase, '--json');
  assert.equal(picked.code, 0, picked.stderr);
  assert.equal(picked.json().host, 'beta');
  assert.doesNotMatch(picked.stderr, /using host/);
});

test('backup status and cost: the only host with a state file / ledger in the state directory', async () => {
  const state = join(dir, 'state');
  await writeBackupState(state, emptyState('alpha', '2026-11-24T02:00:00.000Z'));
  await writeLedger(state, emptyLedger('alpha'));
  const status = await runCli('backup', 'status', '--state-dir', state, '--json');
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stderr, /using host alpha, the only host in the state directory/);
  assert.equal(status.json().host, 'alpha');
  const cost = await runCli('cost', '--state-dir', state, '--now', '2026-11-24T12:00:00Z', '--json');
  assert.equal(cost.code, 0, cost.stderr);
  assert.match(cost.stderr, /using host alpha, the only host in the state directory/);
  assert.equal(cost.json().host, 'alpha');

  await writeBackupState(state, emptyState('beta', '2026-11-24T02:00:00.000Z'));
  await writeLedger(state, emptyLedger('beta'));
  for (const argv of [['backup', 'status'], ['cost']]) {
    const r = await runCli(...argv, '--state-dir', state);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /which host\? the state directory .* holds 2 hosts: alpha, beta/);
    assert.match(r.stderr, /hint: pass --host NAME/);
  }
  const empty = await runCli('backup', 'status', '--state-dir', join(dir, 'no-state'));
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /which host\?.*holds no backup-<host>\.json/);
});
