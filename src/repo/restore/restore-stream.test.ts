import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { MEMORY_PROPERTIES, MemoryBackend } from '../backend/memory.ts';
import type { ByteRange } from '../backend/backend.ts';
import { chunkCount, chunkRef } from '../manifest/manifest.ts';
import { backupBytes, makeRepo } from '../testing/repos.ts';
import { compressible, pseudoRandom } from '../testing/pseudo-random.ts';
import { release } from '../../core/release.ts';
import { PackReadRecorder } from '../testing/pack-reads.ts';


async function stored(backend = new MemoryBackend()) {
  const { repo } = await makeRepo({ backend });
  // Half text (compressed blobs), half random (stored raw): both kinds of blob open in the pipeline.
  const data = Buffer.concat([compressible(300_000, 'restore'), pseudoRandom(300_000, 'restore')]);
  const { manifestId } = await backupBytes(repo, data);
  return { repo, backend, data, manifestId };
}

test('the stream comes back whole and in order, chunk by chunk, for every openAhead and readAhead', async () => {
  const { repo, data, manifestId } = await stored();
  const manifest = await repo.readManifest(manifestId);
  for (const [openAhead, readAhead] of [[1, 1], [2, 1], [4, 2], [16, 4]] as const) {
    const chunks: Buffer[] = [];
    for await (const c of repo.restoreStream(manifestId, { openAhead, readAhead })) chunks.push(c);
    assert.equal(chunks.length, chunkCount(manifest));
    chunks.forEach((c, i) => assert.equal(c.length, chunkRef(manifest, i).rawLength, `chunk ${i}`));
    assert.ok(Buffer.concat(chunks).equals(data), `openAhead ${openAhead} readAhead ${readAhead}`);
  }
});

test('a damaged blob in the middle: every chunk before it is yielded, then the error naming pack, offset and chunk, nothing after', async () => {
  const { repo, backend, data, manifestId } = await stored();
  const manifest = await repo.readManifest(manifestId);
  const n = chunkCount(manifest);
  const victim = Math.floor(n / 2);
  const where = (await repo.index()).lookup(chunkRef(manifest, victim).id)!;
  const pack = `${repo.host}/packs/${where.packId}`;
  const raw = backend.raw(pack)!;
  raw[where.offset + 60] = raw[where.offset + 60]! ^ 0x01;
  const before = Array.from({ length: victim }, (_, i) => chunkRef(manifest, i).rawLength).reduce((a, b) => a + b, 0);
  const got: Buffer[] = [];
  await assert.rejects(async () => {
    for await (const c of repo.restoreStream(manifestId, { openAhead: 8 })) got.push(c);
  }, (error: { code: string; subject: string; message: string; details: { manifests: string[] } }) => {
    assert.equal(error.code, 'corrupt');
    assert.equal(error.subject, pack);
    assert.match(error.message, new RegExp(`blob at offset ${where.offset} \\(chunk ${victim} of the stream\\): authentication failed`));
    assert.deepEqual(error.details.manifests, [manifestId]);
    return true;
  });
  assert.equal(got.length, victim);
  assert.ok(Buffer.concat(got).equals(data.subarray(0, before)));
});

test('abort mid-stream: the restore stops with interrupted, and nothing is left unhandled', async () => {
  const { repo, manifestId } = await stored();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };
  process.on('unhandledRejection', onUnhandled);
  try {
    const controller = new AbortController();
    let got = 0;
    await assert.rejects(async () => {
      for await (const _ of repo.restoreStream(manifestId, { signal: controller.signal })) {
        got += 1;
        if (got === 3) controller.abort();
      }
    }, { code: 'interrupted' });
    assert.equal(got, 3);
    await sleep(50);
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

/**
 * Reads a restore has started (`count`) while its consumer holds the first chunk and waits. Small
 * ranged reads (one per ~2 chunks) make many runs, so an unbounded read-ahead would show. Bound:
 * held, 1 chunk; opening, 2 more; their runs (at most 3, one chunk each at worst) and 2 runs ahead.
 */
async function readsWhileHoldingFirst<B extends MemoryBackend>(backend: B, count: (b: B) => number, reset: (b: B) => void): Promise<{ reads: number; bound: number; stop: () => Promise<unknown> }> {
  const { repo, manifestId } = await stored(backend);
  const manifest = await repo.readManifest(manifestId);
  assert.ok(chunkCount(manifest) > 20);
  reset(backend);
  const gen = repo.restoreStream(manifestId, { maxRequestBytes: 40_000, openAhead: 3, readAhead: 2 });
  await gen.next();
  await sleep(50);
  return { reads: count(backend), bound: 3 + 2, stop: () => gen.return(undefined) };
}

test('memory stays bounded under a slow consumer: reads stop readAhead runs past the blobs being opened', async () => {
  const { reads, bound, stop } = await readsWhileHoldingFirst(new PackReadRecorder(), (b) => b.reads.length, (b) => { b.reads.length = 0; });
  assert.ok(reads <= bound, `${reads} ranged reads while the consumer holds the first chunk`);
  await stop();
});

test('every read and every chunk is the restore\'s own: a consumer freeing each chunk gets the whole stream, and each read is freed once its blobs are opened', async () => {
  const backend = new PackReadRecorder();
  const { reads } = backend;
  // Chunks and reads large enough to be freed early (core/release.ts leaves buffers below 64 KiB).
  const { repo } = await makeRepo({ backend, params: { chunker: { min: 128 * 1024, avg: 256 * 1024, max: 1024 * 1024 }, packSize: 4 * 1024 * 1024 } });
  const data = Buffer.concat([compressible(3_000_000, 'own'), pseudoRandom(3_000_000, 'own')]);
  const { manifestId } = await backupBytes(repo, data);
  const copies: Buffer[] = [];
  for await (const chunk of repo.restoreStream(manifestId, { openAhead: 4, readAhead: 2, maxRequestBytes: 1024 * 1024 })) {
    copies.push(Buffer.from(chunk));
    release(chunk);
  }
  assert.ok(Buffer.concat(copies).equals(data), 'freeing a chunk never empties a later one');
  assert.ok(reads.length >= 4);
  for (const [i, read] of reads.entries()) assert.equal(read.byteLength, 0, `read ${i} (${read.byteLength} bytes) was freed`);
});

/**
 * A memory store that says it is remote: reads come as streams of `piece`-byte pieces, and every
 * stream started is counted until it ends or is closed. `tamper` may change a pack read's bytes.
 */
class RemoteMemory extends MemoryBackend {
  override readonly properties = Object.freeze({ ...MEMORY_PROPERTIES, remote: true });
  piece = 997;
  open = 0;
  started = 0;
  tamper: ((bytes: Uint8Array) => Uint8Array) | undefined;
  override async *getStream(name: string, range?: ByteRange): AsyncIterable<Uint8Array> {
    const packs = name.includes('/packs/');
    if (packs) { this.started += 1; this.open += 1; }
    try {
      let bytes: Uint8Array = Buffer.from(await super.get(name, range));
      if (packs && this.tamper !== undefined) bytes = this.tamper(bytes);
      for (let at = 0; at < bytes.length; at += this.piece) yield bytes.subarray(at, at + this.piece);
    } finally {
      if (packs) this.open -= 1;
    }
  }
}

test('from a remote store a read is a stream cut into its blobs: the whole stream for pieces of any size, each request finished', async () => {
  const backend = new RemoteMemory();
  const { repo, data, manifestId } = await stored(backend);
  for (const piece of [997, 4096, 100_000, 1 << 24]) {
    backend.piece = piece;
    backend.started = 0;
    const got: Buffer[] = [];
    for await (const c of repo.restoreStream(manifestId, { maxRequestBytes: 150_000 })) got.push(c);
    assert.ok(Buffer.concat(got).equals(data), `pieces of ${piece} bytes`);
    assert.ok(backend.started >= 2, `${backend.started} reads`);
    assert.equal(backend.open, 0, 'no request left open');
  }
});

test('from a remote store: a read that ends early or runs long is corrupt, a missing pack is named, and every request started is closed', async () => {
  const backend = new RemoteMemory();
  const { repo, manifestId } = await stored(backend);
  const restore = async (): Promise<void> => { for await (const _ of repo.restoreStream(manifestId, { maxRequestBytes: 150_000 })) { /* drain */ } };
  backend.tamper = (bytes) => bytes.subarray(0, bytes.length - 1);
  await assert.rejects(restore(), (e: { code: string; message: string }) => e.code === 'corrupt' && /pack is truncated/.test(e.message));
  assert.equal(backend.open, 0);
  backend.tamper = (bytes) => Buffer.concat([bytes, Buffer.from([0])]);
  await assert.rejects(restore(), (e: { code: string; message: string }) => e.code === 'corrupt' && /read more than the \d+ bytes asked for/.test(e.message));
  assert.equal(backend.open, 0);
  backend.tamper = undefined;
  const manifest = await repo.readManifest(manifestId);
  const last = (await repo.index()).lookup(chunkRef(manifest, chunkCount(manifest) - 1).id)!;
  await backend.delete(`${repo.host}/packs/${last.packId}`);
  await assert.rejects(restore(), (e: { code: string; message: string; subject: string }) => e.code === 'corrupt' && e.message.includes('pack is missing') && e.subject.endsWith(last.packId));
  assert.equal(backend.open, 0);
});

test('from a remote store, a slow consumer holds only readAhead requests past the runs it is opening', async () => {
  const backend = new RemoteMemory();
  const { reads, bound, stop } = await readsWhileHoldingFirst(backend, (b) => b.started, (b) => { b.started = 0; });
  assert.ok(reads <= bound, `${reads} requests while the consumer holds the first chunk`);
  await stop();
  await sleep(10);
  assert.equal(backend.open, 0, 'the requests started ahead are closed when the consumer stops');
});
