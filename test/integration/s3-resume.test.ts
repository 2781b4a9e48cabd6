// kill -9 in the middle of a multipart upload, then resume: a child process backs up a 60 MiB random
// stream in 12 MiB packs (multipart, 5 MiB parts) through the B2 proxy; once two packs are complete
// and a part of the next one is on its way, SIGKILL. The next run, in this process, must upload only
// what is not yet durable: at most the stream minus the packs already stored, plus one pack (the one
// cut, or one uploaded but not yet indexed), plus index and manifest. Then every byte is restored and
// check reads every pack. The cut upload stays behind as an unfinished multipart upload, invisible
// to listings: that is what the bucket's lifecycle rule (AbortIncompleteMultipartUpload) is for.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { initRepository, openRepository } from '../../src/repo/index.ts';
import type { Backend } from '../../src/repo/index.ts';
import { openBackend } from '../../src/repo/backend/open.ts';
import { inReads, pseudoRandom } from '../../src/repo/testing/pseudo-random.ts';
import { meta } from '../../src/repo/testing/repos.ts';
import { startS3Stack, TEST_BUCKET, TEST_REGION } from '../support/s3-server.ts';
import type { S3Stack } from '../support/s3-server.ts';

const MIB = 1024 * 1024;
const ROOT = resolve(import.meta.dirname, '..', '..');
const HOST = 'killed';
const PASSPHRASE = 'resume after kill';
const SIZE = 60 * MIB;
const SEED = 'kill-9';
const PACK = 12 * MIB;
const PARAMS = { chunker: { min: 64 * 1024, avg: 256 * 1024, max: 1024 * 1024 }, packSize: PACK };

let stack: S3Stack;
let child: ChildProcess | undefined;
let completes = 0;
let killedAtPart = 0;
let completesAtKill = 0;
let partsSeen = 0;

before(async () => {
  stack = await startS3Stack({
    seed: 9,
    faults: { delayMs: [1, 8] },
    onRequest: (op) => {
      if (op === 'CompleteMultipartUpload') completes += 1;
      if (op !== 'UploadPart') return;
      partsSeen += 1;
      if (completes >= 2 && child !== undefined && killedAtPart === 0) {
        killedAtPart = partsSeen;
        completesAtKill = completes;
        child.kill('SIGKILL');
      }
    },
  });
});

after(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await stack?.stop();
});

async function packBytes(backend: Backend): Promise<{ count: number; bytes: number }> {
  let count = 0;
  let bytes = 0;
  for await (const info of backend.list(`${HOST}/packs/`)) { count += 1; bytes += info.size; }
  return { count, bytes };
}

test('a backup killed with SIGKILL mid-multipart resumes uploading only what is missing', { timeout: 300_000 }, async () => {
  const passphraseFile = join(stack.server.dataDir, 'passphrase');
  await writeFile(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
  const url = `s3://${TEST_BUCKET}/resume?endpoint=${encodeURIComponent(stack.proxy.endpoint)}&region=${TEST_REGION}`
    + `&credentials=${encodeURIComponent(stack.credentialsFile)}&partSize=5MiB&queueSize=2&timeout=20`;
  const backend = await openBackend(url);
  await initRepository(backend, { host: HOST, passphrase: PASSPHRASE, scryptLogN: 10, params: PARAMS });

  const output: string[] = [];
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done, fail) => {
    child = spawn(join(ROOT, 'node_modules/.bin/node'), ['test/support/s3-backup-child.ts', JSON.stringify({ url, host: HOST, passphraseFile, size: SIZE, seed: SEED })], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (b: Buffer) => output.push(b.toString()));
    child.stderr!.on('data', (b: Buffer) => output.push(b.toString()));
    child.on('error', fail);
    child.on('exit', (code, signal) => done({ code, signal }));
  });
  assert.equal(exit.signal, 'SIGKILL', `child was not killed mid-upload: ${output.join('')}`);
  assert.ok(!output.join('').includes('"done"'));

  const before = await packBytes(backend);
  const unfinished = stack.server.unfinishedUploads().length;
  assert.ok(before.bytes >= PACK, `at least one pack survived the kill (${before.count} packs, ${before.bytes} bytes)`);
  assert.ok(unfinished >= 1, 'the cut multipart upload is left unfinished (the lifecycle rule cleans it)');

  stack.proxy.resetStats();
  const data = pseudoRandom(SIZE, SEED);
  const repo = await openRepository(await openBackend(url), { host: HOST, identity: { passphrase: PASSPHRASE } });
  const result = await repo.backup(inReads(data, 256 * 1024, 9), meta(1));
  const p = stack.proxy.stats;
  const uploaded = (p.bytesUpByOp['PutObject'] ?? 0) + (p.bytesUpByOp['UploadPart'] ?? 0);
  const afterPacks = await packBytes(backend);
  const bound = SIZE - before.bytes + PACK + MIB;
  console.log([
    `kill -9 at UploadPart #${killedAtPart} after ${completesAtKill} completed multipart uploads; ${before.count} packs (${(before.bytes / MIB).toFixed(1)} MiB) durable, ${unfinished} unfinished upload(s) left`,
    `resume: uploaded ${(uploaded / MIB).toFixed(1)} MiB in ${p.requests} requests ${JSON.stringify(p.byOp)}; bound ${(bound / MIB).toFixed(1)} MiB; dedup ${(result.progress.dedupBytes / MIB).toFixed(1)} MiB`,
    `packs now ${afterPacks.count} (${(afterPacks.bytes / MIB).toFixed(1)} MiB)`,
  ].join('\n  '));
  assert.ok(uploaded <= bound, `resume uploaded ${uploaded} bytes, more than ${bound}`);
  assert.ok(uploaded < SIZE, 'resuming saved something');
  assert.ok(result.progress.dedupBytes >= before.bytes - PACK, 'chunks of durable packs were not sent again');
  assert.deepEqual(p.rejected, {});

  const restored: Buffer[] = [];
  for await (const part of repo.restoreStream(result.manifestId)) restored.push(part);
  assert.ok(Buffer.concat(restored).equals(data), 'restored stream equals the original');
  const report = await repo.check({ readData: 100 });
  assert.ok(report.ok, JSON.stringify(report.problems));
});
