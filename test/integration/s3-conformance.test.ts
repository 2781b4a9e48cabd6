// The backend conformance suite against a real S3 server (fauxqs, over TCP) through the B2 proxy:
// once plain, once wrapped in RetryBackend with injected 503s, connection resets and delays. Each
// test gets its own bucket prefix, so tests cannot see each other's objects. Afterwards the proxy
// must not have refused a single request for B2-incompatible headers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { runBackendConformance } from '../../src/repo/backend/conformance.ts';
import { startS3Stack } from '../support/s3-server.ts';
import type { S3Stack } from '../support/s3-server.ts';

let plain: S3Stack;
let faulty: S3Stack;
const retries = { total: 0, injected: 0 };

before(async () => {
  plain = await startS3Stack({ seed: 7 });
  faulty = await startS3Stack({ seed: 11, faults: { failRate: 0.08, resetRate: 0.04, delayMs: [0, 5] } });
});

after(async () => {
  await plain?.stop();
  await faulty?.stop();
});

runBackendConformance('s3 via B2 proxy', async () => {
  const { s3 } = plain.open({ prefix: `c-${randomBytes(6).toString('hex')}` });
  return { backend: s3 };
});

runBackendConformance('retry(s3) via B2 proxy with 8% 503s, 4% resets', async () => {
  const { backend } = faulty.open({ prefix: `f-${randomBytes(6).toString('hex')}/deeper` });
  return { backend, cleanup: async () => { retries.total += backend.stats.retries; } };
});

runBackendConformance('spool(retry(s3)) via B2 proxy with 8% 503s, 4% resets: packs from files, parts from their ranges', async () => {
  const { backend, spooled } = faulty.open({ prefix: `s-${randomBytes(6).toString('hex')}` });
  return { backend: spooled, cleanup: async () => { retries.total += backend.stats.retries; } };
});

test('no request carried a checksum, conditional or tagging header; every upload was signed with its body\'s SHA-256; faults were injected and retried', () => {
  for (const stack of [plain, faulty]) assert.deepEqual(stack.proxy.stats.rejected, {});
  // Every upload, a spooled pack's streamed parts included, is signed with its body's SHA-256,
  // which the proxy checked (as S3 and B2 check it): none went up as UNSIGNED-PAYLOAD.
  for (const stack of [plain, faulty]) assert.deepEqual([stack.proxy.stats.payloads.unsigned, stack.proxy.stats.payloads.signed > 0], [0, true]);
  const s = faulty.proxy.stats;
  retries.injected = s.injected503 + s.resetsBefore + s.resetsAfter;
  console.log(`conformance with faults: ${s.requests} requests, ${s.injected503} injected 503s, ${s.resetsBefore}+${s.resetsAfter} resets (before+after), ${retries.total} retries by RetryBackend/SDK`);
  assert.ok(retries.injected > 0, 'the fault rate injected something');
  assert.ok(retries.total > 0);
  assert.equal(s.byOp['DeleteObjects'] ?? 0, 0);
  assert.ok((plain.proxy.stats.byOp['UploadPart'] ?? 0) >= 2, 'the 9 MiB object went up as a multipart upload');
});
