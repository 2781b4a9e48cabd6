// `doctor remote` against the real server through the B2 proxy: a bucket without a lifecycle rule, one
// with the right rule, one whose rule would hide live packs, and a host key restricted to its prefix
// that may read neither the lifecycle rules nor object versions (the usual B2 setup).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod } from 'node:fs/promises';
import { PutBucketLifecycleConfigurationCommand, DeleteBucketLifecycleCommand, S3Client } from '@aws-sdk/client-s3';
import type { LifecycleRule } from '@aws-sdk/client-s3';
import { doctorRemote } from '../../src/cli/commands/doctor-remote.ts';
import { checkRemote, type RemoteReport } from '../../src/repo/doctor/remote.ts';
import { initRepository } from '../../src/repo/index.ts';
import { startS3Stack, TEST_BUCKET, TEST_REGION } from '../support/s3-server.ts';
import type { S3Stack } from '../support/s3-server.ts';

let open: S3Stack;
let hostKey: S3Stack;
let admin: S3Client;

before(async () => {
  open = await startS3Stack();
  hostKey = await startS3Stack({ restrict: { bucket: TEST_BUCKET, prefix: 'fleet/alpha/' }, denyOps: ['GetBucketLifecycleConfiguration', 'ListObjectVersions'] });
  admin = new S3Client({ region: TEST_REGION, endpoint: open.server.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'admin', secretAccessKey: 'admin' } });
});

after(async () => {
  admin?.destroy();
  await open?.stop();
  await hostKey?.stop();
});

const url = (stack: S3Stack): string =>
  `s3://${TEST_BUCKET}/fleet?endpoint=${encodeURIComponent(stack.proxy.endpoint)}&region=${TEST_REGION}&credentials=${encodeURIComponent(stack.credentialsFile)}`;
const ids = (r: RemoteReport): string[] => r.findings.map((f) => `${f.severity}:${f.id}`).sort();
const fast = { baseDelayMs: 5, maxDelayMs: 50 };

async function setRules(rules: LifecycleRule[] | null): Promise<void> {
  if (rules === null) await admin.send(new DeleteBucketLifecycleCommand({ Bucket: TEST_BUCKET }));
  else await admin.send(new PutBucketLifecycleConfigurationCommand({ Bucket: TEST_BUCKET, LifecycleConfiguration: { Rules: rules } }));
}

const KEEP_LAST: LifecycleRule = { ID: 'panther', Status: 'Enabled', Filter: { Prefix: 'fleet/' }, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } };

test('no lifecycle rule and no repository: an error with the exact rule to set, and warnings', async () => {
  const r = await checkRemote({ url: url(open), host: 'alpha', retry: fast });
  assert.deepEqual(ids(r), ['error:remote-lifecycle-missing', 'info:remote-hidden-versions', 'warning:remote-multipart-cleanup', 'warning:remote-no-repository']);
  const missing = r.findings.find((f) => f.id === 'remote-lifecycle-missing')!;
  assert.match(missing.fix, /"fileNamePrefix":"fleet\/","daysFromUploadingToHiding":null,"daysFromHidingToDeleting":1,"daysFromStartingToCancelingUnfinishedLargeFiles":1/);
  assert.match(missing.fix, /days till hide: empty \(never\), days till delete: 1/);
  const probes: string[] = [];
  for await (const info of open.open({ prefix: 'fleet' }).backend.list('alpha/locks/')) probes.push(info.name);
  assert.deepEqual(probes, [], 'the probe object was deleted');
  assert.equal(open.proxy.stats.byOp['PutObject'], 1);
  assert.deepEqual(open.proxy.stats.rejected, {});
});

test('the right rule and a repository: clean; through the command, exit 0', async () => {
  await setRules([KEEP_LAST]);
  const { backend } = open.open({ prefix: 'fleet' });
  await initRepository(backend, { host: 'alpha', passphrase: 'p', scryptLogN: 10 });
  const r = await checkRemote({ url: url(open), host: 'alpha', retry: fast });
  assert.deepEqual(ids(r), ['info:remote-hidden-versions']);
  const out: string[] = [];
  const code = await doctorRemote.run({ repo: url(open), host: 'alpha' }, [], { out: (t) => out.push(t), err: () => {}, json: false, tty: false });
  assert.equal(code, 0);
  assert.match(out.join('\n'), /clean: the key can list, write, read and delete, and the lifecycle rule is in place/);
});

test('a rule that hides current objects is an error; a slow one a warning', async () => {
  await setRules([{ ...KEEP_LAST, NoncurrentVersionExpiration: { NoncurrentDays: 30 } }, { ID: 'cleanup', Status: 'Enabled', Filter: { Prefix: 'fleet/alpha/packs/' }, Expiration: { Days: 90 } }]);
  const r = await checkRemote({ url: url(open), host: 'alpha', retry: fast });
  assert.deepEqual(ids(r), ['error:remote-lifecycle-hides-live-data', 'info:remote-hidden-versions', 'warning:remote-lifecycle-slow']);
  assert.match(r.findings[0]!.found, /90 day\(s\) after upload.*unrestorable/);
  await setRules(null);
});

test('a host key restricted to its prefix: can do its work, cannot read the rules (says so), cannot count versions', async () => {
  const r = await checkRemote({ url: url(hostKey), host: 'alpha', retry: fast });
  assert.deepEqual(ids(r), ['info:remote-hidden-versions', 'warning:remote-lifecycle-unreadable', 'warning:remote-no-repository']);
  const unreadable = r.findings.find((f) => f.id === 'remote-lifecycle-unreadable')!;
  assert.match(unreadable.found, /cannot tell: .*access denied/);
  assert.match(unreadable.fix, /daysFromHidingToDeleting":1/);
  assert.match(r.findings.find((f) => f.id === 'remote-hidden-versions')!.found, /not possible with this key/);

  const other = await checkRemote({ url: url(hostKey), host: 'beta', retry: fast });
  const errors = other.findings.filter((f) => f.severity === 'error').map((f) => f.id);
  assert.deepEqual(errors, ['remote-list', 'remote-put', 'remote-read']);
  assert.match(other.findings[0]!.fix, /restricted to another bucket or name prefix; it must allow panther-test\/fleet\/beta\//);
});

test('a credentials file others can read is a warning; a missing one an error', async () => {
  await chmod(open.credentialsFile, 0o644);
  try {
    const r = await checkRemote({ url: url(open), host: 'alpha', retry: fast });
    assert.ok(r.findings.some((f) => f.id === 'remote-credentials-mode' && f.severity === 'warning' && /chmod 600/.test(f.fix)));
  } finally {
    await chmod(open.credentialsFile, 0o600);
  }
  const missing = await checkRemote({ url: url(open).replace(/credentials=[^&]+/, 'credentials=%2Fnonexistent'), host: 'alpha', retry: fast });
  assert.deepEqual(ids(missing), ['error:remote-config']);
  assert.match(missing.findings[0]!.found, /secret-unreadable/);
});
