// Unit tests of the S3 backend's pure parts: URL form, credentials file, error mapping and redaction,
// header stripping. The backend itself is tested against a real server in test/integration/s3-*.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseS3Url } from './s3-url.ts';
import { looksLikeMasterKeyId, parseS3Credentials, readS3Credentials } from './s3-credentials.ts';
import { mapS3Error, redact } from './s3-errors.ts';
import type { S3ErrorContext } from './s3-errors.ts';
import { stripChecksumHeaders } from './s3-client.ts';

const KEY_ID = '0041a2b3c4d5e6f0000000007';
const APP_KEY = 'K004abcdefghijklmnopqrstuvwxyz0';

test('s3:// URLs: B2 endpoint from the region, region from a B2 endpoint, tuning parameters', () => {
  const env = { PANTHER_S3_CREDENTIALS_FILE: '/run/secrets/b2' };
  assert.deepEqual(parseS3Url('s3://backups/fleet?region=us-west-004', env), {
    endpoint: 'https://s3.us-west-004.backblazeb2.com', region: 'us-west-004', bucket: 'backups', prefix: 'fleet', credentialsFile: '/run/secrets/b2',
  });
  const c = parseS3Url('s3://backups?endpoint=https://s3.eu-central-003.backblazeb2.com/&credentials=/k&partSize=100MB&queueSize=2&maxAttempts=6&timeout=300', {});
  assert.equal(c.region, 'eu-central-003');
  assert.equal(c.endpoint, 'https://s3.eu-central-003.backblazeb2.com');
  assert.equal(c.prefix, '');
  assert.equal(c.credentialsFile, '/k');
  assert.equal(c.partSize, 100_000_000);
  assert.equal(c.queueSize, 2);
  assert.equal(c.maxAttempts, 6);
  assert.equal(c.timeoutMs, 300_000);
  assert.equal(parseS3Url('s3://b1b/p/q/?endpoint=http://127.0.0.1:9000&region=us-west-004&credentials=/k', {}).prefix, 'p/q/');
});

test('s3:// URLs refuse secrets, plain http to remote hosts, unknown parameters and bad sizes', () => {
  const bad = (url: string, pattern: RegExp, env: Record<string, string> = { PANTHER_S3_CREDENTIALS_FILE: '/k' }) =>
    assert.throws(() => parseS3Url(url, env), (e: Error & { code?: string }) => e.code === 'bad-repository-url' && pattern.test(e.message));
  bad(`s3://${KEY_ID}:${APP_KEY}@bucket/x?region=r`, /holds credentials/);
  assert.throws(() => parseS3Url(`s3://${KEY_ID}:${APP_KEY}@bucket/x?region=r`, {}), (e: Error) => !e.message.includes(APP_KEY));
  bad(`s3://bucket?region=r&applicationKey=${APP_KEY}`, /looks like a secret/);
  assert.throws(() => parseS3Url(`s3://bucket?region=r&secretAccessKey=${APP_KEY}`, {}), (e: Error) => !e.message.includes(APP_KEY));
  bad('s3://bucket?endpoint=http://s3.example.com&region=r', /not https/);
  bad('s3://bucket?region=r&colour=blue', /parameter 2 is not one of endpoint, region/);
  bad('s3://bucket?endpoint=https://minio.example.com', /needs region/);
  bad('s3://bucket?region=r', /no credentials file/, {});
  bad('s3://bucket?region=r&partSize=1MiB', /partSize/);
  bad('s3://bucket/.hidden/x?region=r', /prefix/);
  bad('s3://bucket/a%20b?region=r', /prefix/);
  bad('s3://b?region=r', /bucket name/);
});

test('credentials file: two lines or JSON; refused without echoing the content', async () => {
  assert.deepEqual(parseS3Credentials(`${KEY_ID}\n${APP_KEY}\n`), { keyId: KEY_ID, applicationKey: APP_KEY });
  assert.deepEqual(parseS3Credentials(`\n  ${KEY_ID}\r\n${APP_KEY}\r\n\n`), { keyId: KEY_ID, applicationKey: APP_KEY });
  assert.deepEqual(parseS3Credentials(JSON.stringify({ keyId: KEY_ID, applicationKey: APP_KEY })), { keyId: KEY_ID, applicationKey: APP_KEY });
  for (const text of [APP_KEY, `${KEY_ID}\n${APP_KEY}\nextra`, `{"keyId": "${KEY_ID}"}`, `{${APP_KEY}`, `${KEY_ID} x\n${APP_KEY}`]) {
    assert.throws(() => parseS3Credentials(text, '/run/secrets/b2'), (e: Error & { code?: string }) => e.code === 'secret-invalid' && !e.message.includes(APP_KEY));
  }
  const dir = await mkdtemp(join(tmpdir(), 'panther-cred-'));
  try {
    await writeFile(join(dir, 'k'), `${KEY_ID}\n${APP_KEY}\n`);
    assert.equal((await readS3Credentials(join(dir, 'k'))).applicationKey, APP_KEY);
    await assert.rejects(readS3Credentials(join(dir, 'missing')), { code: 'secret-unreadable' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  assert.ok(looksLikeMasterKeyId('0123456789ab'));
  assert.ok(!looksLikeMasterKeyId(KEY_ID));
});

const ctx = (op: S3ErrorContext['op'], name = 'h/packs/p1'): S3ErrorContext => ({
  op, name, key: `fleet/${name}`, bucket: 'backups', endpoint: 'https://s3.us-west-004.backblazeb2.com', secrets: [KEY_ID, APP_KEY],
});
const sdk = (status: number, name: string, message = name): Error =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status, requestId: 'req-1' }, $response: { headers: { authorization: `AWS4-HMAC-SHA256 Credential=${KEY_ID}/…` } } });

test('errors: actionable codes and hints, object named, nothing secret kept', () => {
  const denied = mapS3Error(sdk(403, 'AccessDenied', `not entitled for ${KEY_ID}`), ctx('put'));
  assert.equal(denied.code, 's3-access-denied');
  assert.match(denied.message, /put h\/packs\/p1/);
  assert.match(denied.hint ?? '', /lacks capability writeFiles or is restricted to another bucket or name prefix; it must allow backups\/fleet\/h\/packs\/p1/);
  assert.match(mapS3Error(sdk(403, 'AccessDenied'), ctx('list', 'h/')).hint ?? '', /listFiles/);
  assert.match(mapS3Error(sdk(403, 'AccessDenied'), ctx('delete')).hint ?? '', /deleteFiles/);
  for (const error of [denied, mapS3Error(sdk(403, 'InvalidAccessKeyId', `key ${KEY_ID} unknown`), ctx('get'))]) {
    const text = JSON.stringify(error.toJSON()) + String(error.stack);
    assert.ok(!text.includes(KEY_ID) && !text.includes(APP_KEY), text);
    assert.equal(error.cause, undefined);
    assert.equal(error.details?.['retryable'], false);
  }
  const missing = mapS3Error(sdk(404, 'NoSuchBucket', 'The specified bucket does not exist'), ctx('get'));
  assert.equal(missing.code, 's3-no-bucket');
  assert.match(missing.hint ?? '', /create it in the B2 console \(we never create buckets at run time\)/);
  assert.equal(mapS3Error(sdk(404, 'NoSuchKey'), ctx('get')).code, 'object-not-found');
  assert.equal(mapS3Error(sdk(403, 'InvalidAccessKeyId'), ctx('get')).code, 's3-bad-credentials');
  assert.match(mapS3Error(sdk(403, 'InvalidAccessKeyId'), ctx('get')).hint ?? '', /master application key/);
  assert.equal(mapS3Error(sdk(403, 'SignatureDoesNotMatch'), ctx('get')).code, 's3-bad-credentials');
  assert.equal(mapS3Error(sdk(403, 'RequestTimeTooSkewed'), ctx('get')).code, 's3-clock-skew');
  assert.equal(mapS3Error(sdk(400, 'InvalidArgument', "Unsupported header 'x-amz-checksum-crc32'"), ctx('put')).code, 's3-rejected');
  assert.equal(mapS3Error(sdk(501, 'NotImplemented'), ctx('put')).code, 's3-rejected');
  const busy = mapS3Error(Object.assign(sdk(503, 'ServiceUnavailable'), { $response: { headers: { 'retry-after': '2' } } }), ctx('put'));
  assert.equal(busy.code, 's3-unavailable');
  assert.equal(busy.details?.['retryable'], true);
  assert.equal(busy.details?.['retryAfterMs'], 2000);
  const reset = mapS3Error(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', name: 'TimeoutError' }), ctx('get'));
  assert.equal(reset.details?.['retryable'], true);
  assert.equal(reset.details?.['reason'], 'ECONNRESET');
  assert.equal(mapS3Error(Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }), ctx('get')).code, 's3-endpoint-unknown');
  assert.equal(redact(`a ${APP_KEY} b ${KEY_ID}`, [KEY_ID, APP_KEY]), 'a [redacted] b [redacted]');
});

test('checksum headers are stripped, others kept', () => {
  const headers: Record<string, string> = {
    'x-amz-checksum-crc32': 'AAAA', 'X-Amz-Checksum-Sha256': 'b', 'x-amz-sdk-checksum-algorithm': 'CRC32', 'content-length': '3', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
  };
  assert.equal(stripChecksumHeaders(headers), 3);
  assert.deepEqual(headers, { 'content-length': '3', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' });
});
