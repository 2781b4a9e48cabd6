// Bad input to the repository commands, through the CLI: each must end in a PantherError that says
// what is wrong and how to fix it (never "internal error" with a stack trace), with the right exit
// code. No btrfs needed: every case fails before anything would be received.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../support/cli.ts';
import { writeAgeIdentity } from '../support/trees.ts';
import { openRepo } from '../../src/backup/open.ts';

const HOST = 'badinput';

function assertExplained(r: CliResult, what: string, pattern: RegExp): void {
  assert.doesNotMatch(r.stderr, /internal error/, `${what}: an expected condition, not an internal error:\n${r.stderr}`);
  assert.match(r.stderr, pattern, `${what}:\n${r.stderr}`);
  assert.match(r.stderr, /hint: /, `${what}: says how to fix it:\n${r.stderr}`);
}

describe('repository commands refuse bad input with a clear error', { timeout: 120_000 }, () => {
  let dir: string;
  let repo: string;
  let flags: string[];
  let identityFile: string;
  /** A real backup point, so restore gets as far as its destination. */
  let point: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'panther-bad-input-'));
    repo = join(dir, 'repo');
    const key = await writeAgeIdentity(dir);
    identityFile = key.identityFile;
    flags = ['--repo', repo, '--host', HOST, '--identity-file', identityFile, '--state-dir', join(dir, 'state')];
    const init = await runCli('backup', 'init', '--repo', repo, '--host', HOST, '--recipient', key.recipient);
    assert.equal(init.code, 0, init.stderr);
    const r = await openRepo({ url: repo, host: HOST, identityFile });
    const meta = { subvolume: '@home', snapshot: { name: '@home.20261124T0200', uuid: '5f0c2b1e-0000-4000-8000-000000000001', time: '2026-11-24T02:00:00Z' }, parent: null };
    point = (await r.backup((async function* () { yield Buffer.from('btrfs-stream\0 not really a stream'); })(), meta)).manifestId;
  });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  test('restore --to a directory that does not exist', async () => {
    const to = join(dir, 'no-such-dir');
    const r = await runCli('restore', point, '--to', to, ...flags.slice(0, 6));
    assert.equal(r.code, 1, r.stderr);
    assertExplained(r, 'missing --to', /does not exist/);
    assert.match(r.stderr, new RegExp(to));
  });

  test('restore --to a path that is a file', async () => {
    const to = join(dir, 'a-file');
    await writeFile(to, 'not a directory\n');
    const r = await runCli('restore', point, '--to', to, ...flags.slice(0, 6));
    assert.equal(r.code, 1, r.stderr);
    assertExplained(r, '--to a file', /not a directory/);
  });

  test('--repo naming a regular file', async () => {
    const file = join(dir, 'repo-file');
    await writeFile(file, 'not a repository\n');
    const r = await runCli('backup', 'check', '--repo', file, '--host', HOST, '--identity-file', identityFile);
    assert.equal(r.code, 2, r.stderr);
    assertExplained(r, '--repo a file', /not a directory/);
  });

  test('a repository whose config object is a directory', async () => {
    const other = join(dir, 'repo-config-dir');
    await mkdir(join(other, HOST, 'config'), { recursive: true });
    const r = await runCli('backup', 'check', '--repo', other, '--host', HOST, '--identity-file', identityFile);
    assert.equal(r.code, 1, r.stderr);
    assertExplained(r, 'config a directory', /is a directory/);
    assert.match(r.stderr, new RegExp(`${HOST}/config`));
    const key = await writeAgeIdentity(await mkdtemp(join(dir, 'init-')));
    const init = await runCli('backup', 'init', '--repo', other, '--host', HOST, '--recipient', key.recipient);
    assert.equal(init.code, 1, init.stderr);
    assertExplained(init, 'init onto a config directory', /is a directory/);
  });

  test('a damaged record of completed points does not stop check; it says the record was not compared', async () => {
    await mkdir(join(dir, 'state'), { recursive: true });
    await writeFile(join(dir, 'state', `points-${HOST}.json`), '{ not json');
    const r = await runCli('backup', 'check', ...flags);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /record of completed points: not compared: .*not JSON.*move the file away/);
    await rm(join(dir, 'state', `points-${HOST}.json`));
  });

  test('a lock whose expiry lies beyond the longest lease (2099) is stale, said so and removed', async () => {
    const name = 'exclusive-20261124T020000.000Z-9f2c4b7a1e0d5c38';
    const body = {
      format: 'panther-lock', version: 1, host: HOST, kind: 'exclusive', holder: 'backup prune', hostname: 'elsewhere-host', pid: 4242,
      nonce: '9f2c4b7a1e0d5c38', created: '2026-11-24T02:00:00.000Z', state: 'held', acquired: '2026-11-24T02:00:10.000Z',
      refreshed: '2099-01-01T00:00:00.000Z', expires: '2099-01-01T00:15:00.000Z', seq: 2, leaseMs: 900_000,
    };
    await mkdir(join(repo, HOST, 'locks'), { recursive: true });
    await writeFile(join(repo, HOST, 'locks', name), JSON.stringify(body));
    const r = await runCli('backup', 'check', ...flags);
    assert.equal(r.code, 0, `the lock does not block for 73 years:\n${r.stderr}`);
    assert.match(r.stderr, /2099/, r.stderr);
    assert.match(r.stderr, /longest lease/, r.stderr);
    assert.deepEqual(await readdir(join(repo, HOST, 'locks')), [], 'the stale lock was removed');

    // `backup unlock` (without --force) removes such a lock too and says why.
    await writeFile(join(repo, HOST, 'locks', name), JSON.stringify(body));
    const u = await runCli('backup', 'unlock', ...flags.slice(0, 6));
    assert.equal(u.code, 0, u.stderr);
    assert.match(u.stdout, /removed: .*longest lease/, u.stdout);
    assert.deepEqual(await readdir(join(repo, HOST, 'locks')), []);
  });

  test('the wrong-key hint names a command that exists', async () => {
    const other = await writeAgeIdentity(await mkdtemp(join(dir, 'other-')));
    const r = await runCli('backup', 'check', '--repo', repo, '--host', HOST, '--identity-file', other.identityFile);
    assert.equal(r.code, 12, r.stderr);
    const named = /hint: .*?(panther [a-z]+ [a-z]+ [a-z]+)/.exec(r.stderr)?.[1];
    assert.equal(named, 'panther backup key list', r.stderr);
    const help = await runCli(...named.split(' ').slice(1), '--help');
    assert.equal(help.code, 0, `${named} exists: ${help.stderr}`);
  });
});
