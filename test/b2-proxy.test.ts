// The B2 stand-in's own checks: an upload whose signed SHA-256 or Content-MD5 does not match its
// bytes is refused, as S3 and B2 refuse it (the integration tests then assert nothing was refused).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { b2Refusal, payloadRefusal } from './support/b2-proxy.ts';

test('b2 proxy: a body is refused when its signed SHA-256 or its Content-MD5 differs from the bytes; UNSIGNED-PAYLOAD is not checked', () => {
  const body = Buffer.from('a part of a pack');
  const sha256 = createHash('sha256').update(body).digest('hex');
  const md5 = createHash('md5').update(body).digest('base64');
  assert.equal(payloadRefusal({ 'x-amz-content-sha256': sha256, 'content-md5': md5 }, body), undefined);
  assert.equal(payloadRefusal({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body), undefined);
  const flipped = Buffer.from(body);
  flipped[3] = flipped[3]! ^ 1;
  assert.equal(payloadRefusal({ 'x-amz-content-sha256': sha256 }, flipped)?.code, 'XAmzContentSHA256Mismatch');
  assert.equal(payloadRefusal({ 'content-md5': md5 }, flipped)?.code, 'BadDigest');
  assert.equal(b2Refusal('PUT', { 'x-amz-checksum-crc32': 'AAAAAA==' })?.reason, 'checksum-header');
  assert.equal(b2Refusal('PUT', { 'x-amz-content-sha256': sha256 }), undefined);
});
