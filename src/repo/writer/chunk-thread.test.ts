import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chunkLengths } from '../chunker/fastcdc.ts';
import { gearTable } from '../chunker/gear.ts';
import { deriveKeys } from '../crypto/keys.ts';
import { chunkId } from '../pack/blob.ts';
import { interrupted } from '../errors.ts';
import { HashedChunks, runningChunkThreads } from './chunk-thread.ts';
import type { ChunkThreadOptions } from './chunk-thread.ts';
import { backupBytes, makeRepo, restoreBytes, SMALL_PARAMS } from '../testing/repos.ts';
import { inReads, pseudoRandom } from '../testing/pseudo-random.ts';

const KEYS = deriveKeys(createHash('sha256').update('chunk-thread test').digest());
const PARAMS = SMALL_PARAMS.chunker!;
const INIT = { params: PARAMS, gear: gearTable(KEYS.gearSeed), chunkIdKey: KEYS.chunkId };

function expected(data: Buffer): { chunks: string[]; sha256: string } {
  const chunks: string[] = [];
  let at = 0;
  for (const length of chunkLengths(data, PARAMS, INIT.gear)) {
    const chunk = data.subarray(at, at + length);
    chunks.push(`${chunkId(KEYS, chunk).toString('hex')}:${chunk.toString('base64')}`);
    at += length;
  }
  return { chunks, sha256: createHash('sha256').update(data).digest('hex') };
}

async function actual(source: AsyncIterable<Uint8Array>, options: ChunkThreadOptions): Promise<{ chunks: string[]; sha256: string | undefined }> {
  const hashed = new HashedChunks(source, INIT, options);
  const chunks: string[] = [];
  for await (const { data, id } of hashed) chunks.push(`${id.toString('hex')}:${data.toString('base64')}`);
  return { chunks, sha256: hashed.sha256 };
}

test('the worker thread and this thread cut and hash exactly as chunkLengths, chunkId and SHA-256 do', async () => {
  const sizes = [0, 1, 100, 4095, 4096, 65_536, 65_537, 300_000, 3 * 1024 * 1024 + 17];
  for (const size of sizes) {
    const data = pseudoRandom(size, `ct${size}`);
    const want = expected(data);
    for (const worker of ['always', 'auto', 'never'] as const) {
      for (const maxRead of [1, 7000, 2 * 1024 * 1024]) {
        if (maxRead === 1 && size > 70_000) continue;
        const got = await actual(inReads(data, maxRead, size), { worker });
        assert.equal(got.sha256, want.sha256, `size ${size}, worker ${worker}, reads ≤ ${maxRead}`);
        assert.deepEqual(got.chunks, want.chunks, `size ${size}, worker ${worker}, reads ≤ ${maxRead}`);
      }
    }
  }
  assert.equal(runningChunkThreads(), 0);
});

test('the caller keeps its buffers: pieces are copied to the thread, not taken from the source', async () => {
  const data = pseudoRandom(2 * 1024 * 1024, 'keep');
  const copy = Buffer.from(data);
  await actual(inReads(data, 100_000, 3), { worker: 'always' });
  assert.deepEqual(data, copy);
});

test('breaking out of the loop stops the thread and returns the source', async () => {
  const data = pseudoRandom(4 * 1024 * 1024, 'break');
  let returned = false;
  const source = (async function* () {
    try { yield* inReads(data, 65_536, 4); } finally { returned = true; }
  })();
  let seen = 0;
  let threads = 0;
  for await (const chunk of new HashedChunks(source, INIT, { worker: 'always' })) {
    threads = Math.max(threads, runningChunkThreads());
    seen += chunk.data.length;
    if (seen > 200_000) break;
  }
  assert.equal(threads, 1, 'a thread ran');
  assert.equal(returned, true, 'the source was returned');
  assert.equal(runningChunkThreads(), 0, 'the thread is gone');
});

test('an error of the source comes out after the chunks cut before it, and the thread is gone', async () => {
  const data = pseudoRandom(3 * 1024 * 1024, 'fail');
  const source = (async function* () {
    yield* inReads(data, 65_536, 5);
    throw new Error('send failed');
  })();
  const want = expected(data).chunks;
  const got: string[] = [];
  await assert.rejects((async () => {
    for await (const { data: d, id } of new HashedChunks(source, INIT, { worker: 'always' })) got.push(`${id.toString('hex')}:${d.toString('base64')}`);
  })(), /send failed/);
  // Every chunk but the last (which the end of the stream would have cut) came out, in order.
  assert.deepEqual(got, want.slice(0, got.length));
  assert.ok(got.length >= want.length - 1, `${got.length} of ${want.length} chunks`);
  assert.equal(runningChunkThreads(), 0);
});

test('a backup through the thread stores the same manifest chunks as one chunked in place', async () => {
  const data = pseudoRandom(3 * 1024 * 1024, 'manifest');
  const heads = [];
  const tables = [];
  for (const worker of ['always', 'never'] as const) {
    const { repo } = await makeRepo();
    const result = await backupBytes(repo, Buffer.concat([data, data.subarray(0, 500_000)]), 1, { chunking: { worker } });
    heads.push(result.head.stream);
    tables.push((await repo.manifests.read(result.manifestId)).chunks.toString('hex'));
    assert.deepEqual(await restoreBytes(repo, result.manifestId), Buffer.concat([data, data.subarray(0, 500_000)]));
  }
  assert.deepEqual(heads[0], heads[1]);
  assert.deepEqual(tables[0], tables[1]);
  assert.equal(runningChunkThreads(), 0);
});

test('an aborted backup stops its thread and makes what it read durable', async () => {
  const { repo } = await makeRepo();
  const controller = new AbortController();
  const data = pseudoRandom(6 * 1024 * 1024, 'abort');
  let threads = 0;
  await assert.rejects(backupBytes(repo, data, 1, {
    chunking: { worker: 'always' },
    signal: controller.signal,
    onProgress: (p) => {
      threads = Math.max(threads, runningChunkThreads());
      if (p.bytesRead > 1024 * 1024) controller.abort();
    },
  }), { code: interrupted('backup').code });
  assert.equal(threads, 1);
  assert.equal(runningChunkThreads(), 0);
  assert.ok((await repo.index()).packSizes.length > 0, 'the packs read so far were stored');
});

test('releaseInput: each source piece is freed once copied, on either thread; the chunks are the same', async () => {
  const data = pseudoRandom(2 * 1024 * 1024 + 333, 'release-input');
  const want = expected(data);
  for (const worker of ['never', 'always'] as const) {
    for (const releaseInput of [false, true]) {
      const pieces: Buffer[] = [];
      const source = async function* (): AsyncGenerator<Uint8Array> {
        for (let at = 0; at < data.length; at += 200_000) {
          const piece = Buffer.allocUnsafeSlow(Math.min(200_000, data.length - at));
          data.copy(piece, 0, at);
          pieces.push(piece);
          yield piece;
        }
      };
      const hashed = new HashedChunks(source(), INIT, { worker }, releaseInput);
      const chunks: string[] = [];
      for await (const { data: chunk, id } of hashed) chunks.push(`${id.toString('hex')}:${chunk.toString('base64')}`);
      assert.deepEqual({ chunks, sha256: hashed.sha256 }, want, `${worker}, releaseInput ${releaseInput}`);
      const freed = pieces.filter((p) => p.length === 0).length;
      assert.equal(freed, releaseInput ? pieces.length : 0, `${worker}, releaseInput ${releaseInput}: ${freed} of ${pieces.length} freed`);
    }
  }
});
