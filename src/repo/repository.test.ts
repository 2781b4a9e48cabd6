import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBackend } from './backend/memory.ts';
import { LocalBackend } from './backend/local.ts';
import type { Backend } from './backend/backend.ts';
import { initRepository, openRepository } from './repository.ts';
import { DEFAULT_PARAMS } from './params.ts';
import { HOST, PASSPHRASE, SMALL_PARAMS, backupBytes, makeRepo, objectNames, restoreBytes } from './testing/repos.ts';
import { compressible, pseudoRandom } from './testing/pseudo-random.ts';

async function withBackends(body: (backend: Backend, label: string) => Promise<void>): Promise<void> {
  await body(new MemoryBackend(), 'memory');
  const root = await mkdtemp(join(tmpdir(), 'panther-repo-'));
  try { await body(new LocalBackend(root), 'local'); } finally { await rm(root, { recursive: true, force: true }); }
}

test('round trips: empty, 1 byte, one chunk, exactly max, many chunks, compressible — memory and local', async () => {
  await withBackends(async (backend, label) => {
    const { repo } = await makeRepo({ backend });
    const cases: Array<[string, Buffer]> = [
      ['empty', Buffer.alloc(0)],
      ['1 byte', Buffer.from([7])],
      ['one chunk (< min)', pseudoRandom(3000, 1)],
      ['exactly max', pseudoRandom(65_536, 2)],
      ['many chunks, many packs', pseudoRandom(3 * 1024 * 1024 + 17, 3)],
      ['compressible', compressible(2 * 1024 * 1024, 4)],
    ];
    for (const [name, data] of cases) {
      const result = await backupBytes(repo, data, name.length);
      assert.equal(result.head.stream.size, data.length, `${label} ${name}`);
      assert.deepEqual(await restoreBytes(repo, result.manifestId), data, `${label} ${name}`);
    }
    const opened = await openRepository(backend, { host: HOST, identity: { passphrase: PASSPHRASE } });
    const listed = await opened.listManifests();
    assert.equal(listed.length, cases.length);
    for (const entry of listed) assert.deepEqual(await restoreBytes(opened, entry.id), cases.find(([, d]) => d.length === entry.head!.stream.size)![1]);
    assert.equal((await opened.check({ readData: 100 })).ok, true, label);
  });
});

test('50 MiB with the default parameters through the local backend', async () => {
  const root = await mkdtemp(join(tmpdir(), 'panther-repo-'));
  try {
    const { repo, backend } = await makeRepo({ backend: new LocalBackend(root), params: DEFAULT_PARAMS });
    const data = Buffer.concat([pseudoRandom(40 * 1024 * 1024, 5), compressible(10 * 1024 * 1024, 6)]);
    const result = await backupBytes(repo, data);
    assert.ok(result.head.stream.chunks >= 30 && result.head.stream.chunks <= 80, `${result.head.stream.chunks} chunks`);
    assert.ok(result.progress.storedBytes < data.length, 'compressible part shrank');
    assert.equal((await objectNames(backend, 'packs')).length, 2);
    assert.equal((await objectNames(backend, 'index')).length, 1, 'per-pack segments were merged');
    assert.deepEqual(await restoreBytes(repo, result.manifestId), data);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('the manifest records host, subvolume, snapshot, parent, sizes, sha256 and tool', async () => {
  const { repo } = await makeRepo();
  const first = await backupBytes(repo, pseudoRandom(100_000, 1), 1);
  const second = await repo.backup((async function* () { yield pseudoRandom(50_000, 2); })(), {
    subvolume: '@db', snapshot: { name: '@db.2', uuid: 'u-2', time: '2026-11-25T02:00:00Z' }, parent: first.manifestId, extra: { sendVersion: 2 },
  });
  const manifest = await repo.readManifest(second.manifestId);
  assert.equal(manifest.head.host, HOST);
  assert.equal(manifest.head.subvolume, '@db');
  assert.deepEqual(manifest.head.snapshot, { name: '@db.2', uuid: 'u-2', time: '2026-11-25T02:00:00Z' });
  assert.equal(manifest.head.parent, first.manifestId);
  assert.equal(manifest.head.stream.size, 50_000);
  assert.match(manifest.head.stream.sha256, /^[0-9a-f]{64}$/);
  assert.equal(manifest.head.tool.name, 'panther');
  assert.deepEqual(manifest.head.extra, { sendVersion: 2 });
  assert.equal(manifest.head.created, '2026-11-24T02:00:00.000Z');
  await assert.rejects(repo.backup((async function* () { /* empty */ })(), { subvolume: 'x', snapshot: { name: 'x', uuid: 'x', time: 'x' }, parent: 'f'.repeat(64) }), { code: 'no-manifest' });
});

test('open errors: no repository (10), wrong passphrase (12), no key (10); init refuses an existing one', async () => {
  const backend = new MemoryBackend();
  await assert.rejects(openRepository(backend, { host: HOST, identity: { passphrase: PASSPHRASE } }), { code: 'no-repository', exitCode: 10 });
  await makeRepo({ backend });
  await assert.rejects(openRepository(backend, { host: HOST, identity: { passphrase: 'wrong' } }), { code: 'wrong-key', exitCode: 12 });
  await assert.rejects(openRepository(backend, { host: 'otherhost', identity: { passphrase: PASSPHRASE } }), { code: 'no-repository' });
  await assert.rejects(initRepository(backend, { host: HOST, passphrase: 'x', scryptLogN: 10 }), { code: 'repository-exists', exitCode: 3 });
  for (const name of await objectNames(backend, 'keys')) await backend.delete(name);
  await assert.rejects(openRepository(backend, { host: HOST, identity: { passphrase: PASSPHRASE } }), { code: 'no-key', exitCode: 10 });
  await assert.rejects(initRepository(new MemoryBackend(), { host: 'Bad/Host', passphrase: 'x' }), { code: 'bad-host' });
  await assert.rejects(initRepository(new MemoryBackend(), { host: HOST }), { code: 'no-key-given' });
  await assert.rejects(initRepository(new MemoryBackend(), { host: HOST, passphrase: 'x', params: { ...SMALL_PARAMS, packSize: 1000 } }), { code: 'bad-params' });
});

test('every object lives under the host prefix; hosts do not see each other', async () => {
  const backend = new MemoryBackend();
  const { repo: a } = await makeRepo({ backend, host: 'alpha' });
  const { repo: b } = await makeRepo({ backend, host: 'beta' });
  await backupBytes(a, pseudoRandom(300_000, 1));
  await backupBytes(b, pseudoRandom(300_000, 1));
  for await (const info of backend.list('')) assert.match(info.name, /^(alpha|beta)\/(config|(keys|packs|index|manifests)\/[0-9a-f]{64})$/);
  assert.equal((await a.listManifests()).length, 1);
  assert.equal((await b.listManifests()).length, 1);
});
