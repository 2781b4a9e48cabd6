// End to end on S3: init, back up ~40 MiB (random and compressible), restore and check, all through
// the B2 proxy while it answers 5 % of requests with 503, resets 1 % of connections (half of them
// after the server did the work) and delays every answer. Every restored byte is compared, every
// pack is read back by check, and no request may carry a header B2 refuses.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { initRepository, openRepository } from '../../src/repo/index.ts';
import { compressible, inReads, pseudoRandom } from '../../src/repo/testing/pseudo-random.ts';
import { meta } from '../../src/repo/testing/repos.ts';
import { startS3Stack } from '../support/s3-server.ts';
import type { S3Stack } from '../support/s3-server.ts';

const MIB = 1024 * 1024;
const HOST = 'e2e';
const PASSPHRASE = 'correct horse battery staple';
/** 8 MiB packs go up as two-part multipart uploads (5 MiB parts); index segments and manifests as PutObject. */
const PARAMS = { chunker: { min: 64 * 1024, avg: 256 * 1024, max: 1024 * 1024 }, packSize: 8 * MIB };

let stack: S3Stack;

before(async () => {
  stack = await startS3Stack({ seed: 2026, faults: { failRate: 0.05, resetRate: 0.01, delayMs: [0, 15] } });
});

after(async () => { await stack?.stop(); });

/** 40 MiB alternating 1 MiB blocks of random and text-like data. */
function testData(): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; i < 40; i++) blocks.push(i % 2 === 0 ? pseudoRandom(MIB, `e2e-${i}`) : compressible(MIB, `e2e-${i}`));
  return Buffer.concat(blocks);
}

test('backup, restore and check ~40 MiB through B2-like faults', { timeout: 300_000 }, async () => {
  const data = testData();
  const { s3, backend, spooled } = stack.open({ prefix: 'fleet' });
  await initRepository(backend, { host: HOST, passphrase: PASSPHRASE, scryptLogN: 10, params: PARAMS });

  // As backup run opens it: packs spooled to files, each part sent from its range and retried alone.
  const writer = await openRepository(spooled, { host: HOST, identity: { passphrase: PASSPHRASE } });
  const started = Date.now();
  const result = await writer.backup(inReads(data, 256 * 1024, 3), meta(1));
  const backupMs = Date.now() - started;
  assert.equal(result.head.stream.size, data.length);
  assert.ok(result.progress.packsUploaded >= 3, `packs: ${result.progress.packsUploaded}`);

  // A fresh handle and backend: nothing cached from the writer.
  const { s3: s3Reader, backend: readerBackend } = stack.open({ prefix: 'fleet' });
  const reader = await openRepository(readerBackend, { host: HOST, identity: { passphrase: PASSPHRASE } });
  const hash = createHash('sha256');
  let restored = 0;
  let mismatch = -1;
  for await (const part of reader.restoreStream(result.manifestId)) {
    const expected = data.subarray(restored, restored + part.length);
    if (mismatch < 0 && !expected.equals(part)) mismatch = restored;
    hash.update(part);
    restored += part.length;
  }
  assert.equal(mismatch, -1, `restored bytes differ from offset ${mismatch}`);
  assert.equal(restored, data.length);
  assert.equal(hash.digest('hex'), createHash('sha256').update(data).digest('hex'));

  const report = await reader.check({ readData: 100 });
  assert.deepEqual(report.problems, []);
  assert.ok(report.ok);
  assert.equal(report.stats.packsRead, report.stats.packs);

  const p = stack.proxy.stats;
  const retries = backend.stats.retries + readerBackend.stats.retries;
  console.log([
    `e2e: ${(data.length / MIB).toFixed(0)} MiB stream, ${result.progress.packsUploaded} packs, backup ${backupMs} ms`,
    `proxy: ${p.requests} requests ${JSON.stringify(p.byOp)}`,
    `injected: ${p.injected503} × 503, ${p.resetsBefore} resets before forwarding, ${p.resetsAfter} mid-response`,
    `retries: ${retries} (${JSON.stringify({ ...backend.stats.byReason })} + ${JSON.stringify(readerBackend.stats.byReason)}), gave up ${backend.stats.gaveUp + readerBackend.stats.gaveUp}`,
    `bytes: up ${(p.bytesUp / MIB).toFixed(1)} MiB, down ${(p.bytesDown / MIB).toFixed(1)} MiB; stripped checksum headers ${s3.stats.strippedHeaders + s3Reader.stats.strippedHeaders}`,
  ].join('\n  '));

  assert.deepEqual(p.rejected, {}, 'no checksum, conditional or tagging header reached the proxy');
  assert.equal(s3.stats.strippedHeaders + s3Reader.stats.strippedHeaders, 0, 'the SDK did not even try to add checksum headers');
  assert.equal(p.byOp['DeleteObjects'] ?? 0, 0);
  assert.ok(p.injected503 > 0 && p.resetsBefore + p.resetsAfter > 0, 'faults were injected');
  assert.ok(retries >= p.injected503 + p.resetsBefore + p.resetsAfter - 2, 'every injected fault was retried (a reset of an idle keep-alive socket may be absorbed)');
  assert.ok((p.byOp['UploadPart'] ?? 0) >= 2 * result.progress.packsUploaded, 'packs went up in parts');
});
