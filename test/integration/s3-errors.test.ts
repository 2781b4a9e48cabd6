// Failures a user must be able to act on, through the real server and the B2 proxy: a key restricted
// to another prefix (403), a bucket that does not exist, and — to prove the proxy's "zero refusals"
// elsewhere means something — that the proxy does refuse what B2 refuses when a client sends it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { initRepository, openRepository } from '../../src/repo/index.ts';
import { startS3Stack, TEST_APP_KEY, TEST_BUCKET, TEST_KEY_ID, TEST_REGION } from '../support/s3-server.ts';
import type { S3Stack } from '../support/s3-server.ts';
import type { PantherError } from '../../src/core/errors.ts';

let open: S3Stack;
let restricted: S3Stack;

before(async () => {
  open = await startS3Stack();
  restricted = await startS3Stack({ restrict: { bucket: TEST_BUCKET, prefix: 'fleet/alpha/' } });
});

after(async () => {
  await open?.stop();
  await restricted?.stop();
});

function noSecrets(error: PantherError): void {
  const text = JSON.stringify(error.toJSON()) + String(error.stack) + String(error.hint);
  assert.ok(!text.includes(TEST_KEY_ID) && !text.includes(TEST_APP_KEY), 'credentials leaked into an error');
}

test('a key restricted to another prefix: 403 with the capability and the prefix it must allow, not retried', async () => {
  const { backend } = restricted.open({ prefix: 'fleet' });
  await backend.put('alpha/packs/ok', Buffer.from('allowed'));
  const checks: Array<[() => Promise<unknown>, RegExp]> = [
    [() => backend.put('beta/packs/p', Buffer.from('x')), /writeFiles/],
    [() => backend.get('beta/config'), /readFiles/],
    [async () => { for await (const _ of backend.list('beta/')) { /* drain */ } }, /listFiles/],
    [() => backend.delete('beta/packs/p'), /deleteFiles/],
  ];
  for (const [call, capability] of checks) {
    await assert.rejects(call, (error: PantherError) => {
      assert.equal(error.code, 's3-access-denied');
      assert.match(error.message, /beta\//);
      assert.match(error.hint ?? '', capability);
      assert.match(error.hint ?? '', /restricted to another bucket or name prefix; it must allow panther-test\/fleet\/beta\//);
      noSecrets(error);
      return true;
    });
  }
  assert.equal(backend.stats.retries, 0);
  await assert.rejects(initRepository(backend, { host: 'beta', passphrase: 'p', scryptLogN: 10 }), { code: 's3-access-denied' });
});

test('a missing bucket: says so and that we never create buckets, for every operation and for open', async () => {
  const { backend } = open.open({ bucket: 'no-such-bucket', prefix: 'fleet' });
  const calls = [() => backend.get('h/config'), () => backend.put('h/x', Buffer.from('x')), () => backend.delete('h/x'), async () => { for await (const _ of backend.list('h/')) { /* drain */ } }];
  for (const call of calls) {
    await assert.rejects(call, (error: PantherError) => {
      assert.equal(error.code, 's3-no-bucket');
      assert.match(error.message, /bucket no-such-bucket does not exist/);
      assert.match(error.hint ?? '', /create it in the B2 console \(we never create buckets at run time\)/);
      noSecrets(error);
      return true;
    });
  }
  assert.equal(await backend.head('h/config'), null, 'HEAD cannot tell a missing bucket from a missing object');
  await assert.rejects(openRepository(backend, { host: 'h', identity: { passphrase: 'p' } }), { code: 's3-no-bucket' });
  await assert.rejects(initRepository(backend, { host: 'h', passphrase: 'p', scryptLogN: 10 }), { code: 's3-no-bucket' });
  assert.equal(backend.stats.retries, 0);
});

test('the proxy refuses checksum headers (400), conditional writes (501) and tagging (400), like B2', async () => {
  const credentials = { accessKeyId: TEST_KEY_ID, secretAccessKey: TEST_APP_KEY };
  const base = { region: TEST_REGION, endpoint: open.proxy.endpoint, forcePathStyle: true, credentials, maxAttempts: 1 };
  const sdkDefault = new S3Client(base);
  const careful = new S3Client({ ...base, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  const body = await readFile(open.credentialsFile);
  open.proxy.resetStats();
  const status = async (client: S3Client, input: ConstructorParameters<typeof PutObjectCommand>[0]): Promise<number> => {
    try {
      return (await client.send(new PutObjectCommand(input))).$metadata.httpStatusCode ?? 0;
    } catch (error) {
      return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? -1;
    }
  };
  assert.equal(await status(sdkDefault, { Bucket: TEST_BUCKET, Key: 'probe/a', Body: body }), 400, 'SDK default checksums');
  assert.equal(await status(careful, { Bucket: TEST_BUCKET, Key: 'probe/b', Body: body, IfNoneMatch: '*' }), 501);
  assert.equal(await status(careful, { Bucket: TEST_BUCKET, Key: 'probe/c', Body: body, Tagging: 'a=b' }), 400);
  assert.equal(await status(careful, { Bucket: TEST_BUCKET, Key: 'probe/d', Body: body }), 200);
  assert.deepEqual(open.proxy.stats.rejected, { 'checksum-header': 1, conditional: 1, tagging: 1 });
  sdkDefault.destroy();
  careful.destroy();
});

test('a stalled answer times out and is retried; a multipart part cut mid-upload is re-sent by the SDK', async () => {
  open.proxy.faults = { script: (op, i) => (op === 'GetObject' && i === 0 ? 'stall' : op === 'UploadPart' && i === 1 ? 'reset-before' : op === 'HeadObject' && i === 0 ? 'fail' : undefined), stallMs: 4000 };
  try {
    const { backend } = open.open({ prefix: 'timeouts', timeoutMs: 1500 });
    const data = Buffer.alloc(12 * 1024 * 1024, 7);
    await backend.put('h/packs/big', data);
    assert.equal(await backend.head('h/packs/big'), data.length);
    const started = Date.now();
    assert.ok(Buffer.from(await backend.get('h/packs/big')).equals(data));
    assert.ok(Date.now() - started < 3500, 'the stalled request was abandoned at the timeout');
    assert.equal(open.proxy.stats.stalled, 1);
    assert.ok(backend.stats.retries >= 3, JSON.stringify(backend.stats));
    assert.ok(Object.keys(backend.stats.byReason).some((r) => /TIMEDOUT|Timeout/i.test(r)), JSON.stringify(backend.stats.byReason));
  } finally {
    open.proxy.faults = {};
  }
});
