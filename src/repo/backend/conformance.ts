// One suite of behaviours every Backend must show (restic internal/backend/test/suite.go, hono's
// common.case.test.ts). Run it from a backend's own test file: runBackendConformance('local', make).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend, ObjectInfo, ReplayableBody } from './backend.ts';
import { release } from '../../core/release.ts';
import { fileBody } from './spool.ts';

export interface ConformanceSubject {
  backend: Backend;
  cleanup?: () => Promise<void>;
}

async function listAll(backend: Backend, prefix: string): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const info of backend.list(prefix)) out.push(info);
  return out;
}

async function streamAll(iterable: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of iterable) parts.push(part);
  return Buffer.concat(parts);
}

/** `data` as a ReplayableBody read from a temporary file, for the length of `use`. */
async function withFileBody(data: Buffer, use: (body: ReplayableBody) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'panther-body-'));
  const handle = await open(join(dir, 'body'), 'w+');
  try {
    await handle.writeFile(data);
    await use(fileBody(handle, data.length));
  } finally {
    await handle.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: { code?: string }) => error.code === code);
}

export const HOSTILE_NAMES = [
  '', '..', '../x', 'a/../b', 'a/..', '/etc/passwd', 'a\\b', 'a\0b', 'a//b', 'a/', '.hidden', 'a/.x.tmp', './a',
  'a/./b', 'a b', 'x'.repeat(1025),
] as const;

export function runBackendConformance(label: string, make: () => Promise<ConformanceSubject>): void {
  const withBackend = (name: string, body: (backend: Backend) => Promise<void>) =>
    test(name, async () => {
      const subject = await make();
      try { await body(subject.backend); } finally { await subject.cleanup?.(); }
    });

  describe(`backend conformance: ${label}`, () => {
    withBackend('properties say what the backend is; sweeping temporaries is always safe', async (b) => {
      const p = b.properties;
      assert.ok(['local', 's3', 'memory'].includes(p.kind), `kind ${String(p.kind)}`);
      for (const key of ['listAfterWriteConsistent', 'sweepsTemporaries', 'remote'] as const) assert.equal(typeof p[key], 'boolean', key);
      await b.put('h/keep', Buffer.from('x'));
      const swept = await b.sweepTemporaries(0);
      assert.ok(Number.isSafeInteger(swept) && swept >= 0, `swept ${swept}`);
      if (!p.sweepsTemporaries) assert.equal(swept, 0);
      assert.equal(Buffer.from(await b.get('h/keep')).toString(), 'x', 'an object is never swept');
    });

    withBackend('a staged object appears whole at commit, under its name, and not before', async (b) => {
      const pieces = [randomBytes(300_000), randomBytes(5), Buffer.alloc(0), randomBytes(70_000)];
      const expected = Buffer.concat(pieces.map((p) => Buffer.from(p)));
      const stage = b.stage();
      for (const piece of pieces) await stage.write(piece);
      assert.deepEqual(await listAll(b, 'h/'), [], 'nothing is listed before commit');
      await stage.commit('h/packs/staged');
      assert.deepEqual(Buffer.from(await b.get('h/packs/staged')), expected);
      assert.deepEqual(await listAll(b, 'h/'), [{ name: 'h/packs/staged', size: expected.length }]);
      await assert.rejects(stage.write(randomBytes(10)), /already committed or aborted/);
      await assert.rejects(stage.commit('h/packs/again'), /already committed or aborted/);
      await stage.abort();
      assert.deepEqual(Buffer.from(await b.get('h/packs/staged')), expected, 'abort after commit changes nothing');
      const empty = b.stage();
      await empty.commit('h/packs/empty');
      assert.equal(await b.head('h/packs/empty'), 0, 'a stage with nothing written is an empty object');
    });

    withBackend('a large staged object (a pack of several multipart parts) appears whole', async (b) => {
      const pieces = Array.from({ length: 23 }, (_, i) => randomBytes(i % 2 === 0 ? 512 * 1024 : 512 * 1024 + 13));
      const expected = Buffer.concat(pieces);
      const stage = b.stage();
      for (const piece of pieces) await stage.write(Buffer.from(piece));
      await stage.commit('h/packs/large');
      assert.equal(await b.head('h/packs/large'), expected.length);
      assert.ok((await streamAll(b.getStream('h/packs/large'))).equals(expected));
    });

    withBackend('a replayable body (a spooled file) is stored whole, below and above a multipart part', async (b) => {
      for (const size of [0, 70_000, 11 * 1024 * 1024 + 5]) {
        const data = randomBytes(size);
        await withFileBody(data, (body) => b.put(`h/packs/file-${size}`, body));
        assert.equal(await b.head(`h/packs/file-${size}`), size);
        assert.ok((await streamAll(b.getStream(`h/packs/file-${size}`))).equals(data), `${size} bytes`);
      }
    });

    withBackend('an aborted stage leaves no object and no temporary behind; a hostile name is refused at commit', async (b) => {
      const stage = b.stage();
      await stage.write(randomBytes(200_000));
      await stage.abort();
      await assert.rejects(stage.commit('h/packs/late'), /already committed or aborted/);
      assert.equal(await b.head('h/packs/late'), null);
      const hostile = b.stage();
      await hostile.write(randomBytes(1000));
      await rejectsWithCode(hostile.commit('../escape'), 'bad-object-name');
      assert.deepEqual(await listAll(b, ''), []);
      assert.equal(await b.sweepTemporaries(0), 0, 'the stages removed their own temporaries');
    });

    withBackend('put then get returns the same bytes; get returns a copy', async (b) => {
      const data = randomBytes(1000);
      await b.put('h/packs/one', data);
      const got = await b.get('h/packs/one');
      assert.deepEqual(Buffer.from(got), data);
      got[0] = got[0]! ^ 0xff;
      assert.deepEqual(Buffer.from(await b.get('h/packs/one')), data);
    });

    withBackend('get\'s bytes are the caller\'s alone: freeing them (a restore does, core/release.ts) disturbs nothing else', async (b) => {
      const data = randomBytes(600_000);
      await b.put('h/packs/own', data);
      const first = await b.get('h/packs/own', { offset: 0, length: 300_000 });
      const second = await b.get('h/packs/own', { offset: 300_000, length: 300_000 });
      const whole = await b.get('h/packs/own');
      release(first);
      release(whole);
      assert.deepEqual(Buffer.from(second), data.subarray(300_000), 'a buffer got before is intact');
      assert.deepEqual(Buffer.from(await b.get('h/packs/own')), data, 'the object is intact');
      assert.deepEqual(Buffer.from(await b.get('h/packs/own', { offset: 0, length: 300_000 })), data.subarray(0, 300_000));
    });

    withBackend('the caller may reuse its buffer after put', async (b) => {
      const data = Buffer.from('abcdef');
      await b.put('h/x', data);
      data.fill(0);
      assert.equal(Buffer.from(await b.get('h/x')).toString(), 'abcdef');
    });

    withBackend('put from an async iterable; empty objects', async (b) => {
      const parts = [randomBytes(10), randomBytes(0), randomBytes(70_000)];
      await b.put('h/streamed', (async function* () { yield* parts; })());
      assert.deepEqual(Buffer.from(await b.get('h/streamed')), Buffer.concat(parts));
      await b.put('h/empty', new Uint8Array(0));
      assert.equal(await b.head('h/empty'), 0);
      assert.equal((await b.get('h/empty')).length, 0);
    });

    withBackend('a put whose stream fails leaves no object behind', async (b) => {
      const failing = (async function* () { yield randomBytes(5000); throw new Error('source died'); })();
      await assert.rejects(b.put('h/packs/partial', failing), /source died/);
      assert.equal(await b.head('h/packs/partial'), null);
      assert.deepEqual(await listAll(b, 'h/'), []);
    });

    withBackend('put replaces an existing object', async (b) => {
      await b.put('h/config', Buffer.from('old, longer'));
      await b.put('h/config', Buffer.from('new'));
      assert.equal(Buffer.from(await b.get('h/config')).toString(), 'new');
      assert.equal(await b.head('h/config'), 3);
    });

    withBackend('missing objects: get throws object-not-found, head is null, delete is fine', async (b) => {
      await rejectsWithCode(b.get('h/nope'), 'object-not-found');
      await rejectsWithCode(streamAll(b.getStream('h/nope')), 'object-not-found');
      assert.equal(await b.head('h/nope'), null);
      await b.delete('h/nope');
    });

    withBackend('ranged reads: inside, to the end, past the end, at the end', async (b) => {
      const data = randomBytes(100_000);
      await b.put('h/r', data);
      assert.deepEqual(Buffer.from(await b.get('h/r', { offset: 10, length: 20 })), data.subarray(10, 30));
      assert.deepEqual(Buffer.from(await b.get('h/r', { offset: 0, length: 100_000 })), data);
      assert.deepEqual(Buffer.from(await b.get('h/r', { offset: 99_990, length: 50 })), data.subarray(99_990));
      assert.equal((await b.get('h/r', { offset: 100_000, length: 5 })).length, 0);
      await rejectsWithCode(b.get('h/r', { offset: 100_001, length: 5 }), 'bad-range');
      await rejectsWithCode(b.get('h/r', { offset: -1, length: 5 }), 'bad-range');
      assert.deepEqual(await streamAll(b.getStream('h/r', { offset: 5, length: 70_000 })), data.subarray(5, 70_005));
    });

    withBackend('large objects stream back intact', async (b) => {
      const data = randomBytes(9 * 1024 * 1024 + 7);
      await b.put('h/packs/big', data);
      assert.deepEqual(await streamAll(b.getStream('h/packs/big')), data);
      assert.equal(await b.head('h/packs/big'), data.length);
    });

    withBackend('list: by folder prefix, by partial name, sorted, with sizes', async (b) => {
      const names = ['h/packs/b1', 'h/packs/a2', 'h/packs/a1', 'h/index/a1', 'g/packs/a1', 'h/config'];
      for (const [i, name] of names.entries()) await b.put(name, randomBytes(i + 1));
      assert.deepEqual((await listAll(b, 'h/packs/')).map((o) => o.name), ['h/packs/a1', 'h/packs/a2', 'h/packs/b1']);
      assert.deepEqual(await listAll(b, 'h/packs/a'), [{ name: 'h/packs/a1', size: 3 }, { name: 'h/packs/a2', size: 2 }]);
      assert.deepEqual((await listAll(b, 'h/')).map((o) => o.name), ['h/config', 'h/index/a1', 'h/packs/a1', 'h/packs/a2', 'h/packs/b1']);
      assert.deepEqual((await listAll(b, '')).length, names.length);
      assert.deepEqual(await listAll(b, 'nothing/'), []);
      assert.deepEqual(await listAll(b, 'h/packs/a1/'), []);
    });

    withBackend('delete removes the object from get, head and list', async (b) => {
      await b.put('h/manifests/m', Buffer.from('x'));
      await b.delete('h/manifests/m');
      assert.equal(await b.head('h/manifests/m'), null);
      assert.deepEqual(await listAll(b, 'h/'), []);
    });

    withBackend('concurrent puts of different objects all land', async (b) => {
      const items = Array.from({ length: 20 }, (_, i) => ({ name: `h/packs/p${String(i).padStart(2, '0')}`, data: randomBytes(1000 + i) }));
      await Promise.all(items.map((item) => b.put(item.name, item.data)));
      const listed = await listAll(b, 'h/packs/');
      assert.deepEqual(listed.map((o) => o.size), items.map((i) => i.data.length));
    });

    withBackend('hostile names are rejected by every operation', async (b) => {
      for (const name of HOSTILE_NAMES) {
        await rejectsWithCode(b.put(name, Buffer.from('x')), 'bad-object-name');
        await rejectsWithCode(b.get(name), 'bad-object-name');
        await rejectsWithCode(b.head(name), 'bad-object-name');
        await rejectsWithCode(b.delete(name), 'bad-object-name');
      }
      await rejectsWithCode(listAll(b, '../'), 'bad-object-name');
      await rejectsWithCode(listAll(b, '/etc/'), 'bad-object-name');
      assert.deepEqual(await listAll(b, ''), []);
    });
  });
}
