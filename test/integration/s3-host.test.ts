// The only host of an S3 repository, found with one delimiter listing: used without --host; several
// listed; a host key restricted to its prefix (which may not list the bucket) is told to pass --host.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryHosts } from '../../src/backup/hosts.ts';
import { initRepository } from '../../src/repo/index.ts';
import { runCli } from '../support/cli.ts';
import { startS3Stack, TEST_BUCKET, TEST_REGION } from '../support/s3-server.ts';
import type { S3Stack } from '../support/s3-server.ts';

let open: S3Stack;
let hostKey: S3Stack;
let dir: string;
let passphrase: string;

const url = (stack: S3Stack): string =>
  `s3://${TEST_BUCKET}/fleet?endpoint=${encodeURIComponent(stack.proxy.endpoint)}&region=${TEST_REGION}&credentials=${encodeURIComponent(stack.credentialsFile)}&maxAttempts=2`;

before(async () => {
  open = await startS3Stack();
  hostKey = await startS3Stack({ restrict: { bucket: TEST_BUCKET, prefix: 'fleet/alpha/' } });
  dir = await mkdtemp(join(tmpdir(), 'panther-s3-host-'));
  passphrase = join(dir, 'passphrase');
  await writeFile(passphrase, 'p\n');
  for (const stack of [open, hostKey]) await initRepository(stack.open({ prefix: 'fleet' }).backend, { host: 'alpha', passphrase: 'p', scryptLogN: 10 });
  // Neither is a host: a name outside the rule, and a prefix without a config object.
  await open.open({ prefix: 'fleet' }).backend.put('Junk_Name/config', new Uint8Array([1]));
  await open.open({ prefix: 'fleet' }).backend.put('gamma/keys/x', new Uint8Array([1]));
});

after(async () => {
  await open?.stop();
  await hostKey?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

test('one host in the bucket prefix: found, used without --host, and said so', async () => {
  assert.deepEqual(await repositoryHosts(url(open), {}), ['alpha']);
  const r = await runCli('backup', 'list', '--repo', url(open), '--passphrase-file', passphrase, '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /using host alpha, the only host in the repository/);
  assert.equal(r.json().host, 'alpha');
});

test('two hosts: listed, and --host is asked for', async () => {
  await initRepository(open.open({ prefix: 'fleet' }).backend, { host: 'beta', passphrase: 'p', scryptLogN: 10 });
  assert.deepEqual(await repositoryHosts(url(open), {}), ['alpha', 'beta']);
  const r = await runCli('backup', 'list', '--repo', url(open), '--passphrase-file', passphrase);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /holds 2 hosts: alpha, beta/);
  assert.match(r.stderr, /hint: pass --host NAME/);
});

test('a key restricted to its host prefix cannot list the bucket: told to pass --host, which works', async () => {
  const r = await runCli('backup', 'list', '--repo', url(hostKey), '--passphrase-file', passphrase);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /which host\? the key may not list/);
  assert.match(r.stderr, /pass --host NAME/);
  const named = await runCli('backup', 'list', '--repo', url(hostKey), '--host', 'alpha', '--passphrase-file', passphrase);
  assert.equal(named.code, 0, named.stderr);
});
