import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, symlink, writeFile, mkdir, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBackend } from './local.ts';
import { runBackendConformance } from './conformance.ts';
import { composeBackend } from './open.ts';

async function tempRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'panther-local-'));
}

runBackendConformance('local', async () => {
  const root = await tempRoot();
  return { backend: new LocalBackend(root), cleanup: () => rm(root, { recursive: true, force: true }) };
});

// As `backup run` opens a local repository: the layers forward the stage, so packs still go to a file.
runBackendConformance('metered + limit over local', async () => {
  const root = await tempRoot();
  const { backend } = composeBackend(new LocalBackend(root), { metered: {}, limit: { uploadBitsPerSecond: 1e9, downloadBitsPerSecond: 1e9 } });
  return { backend, cleanup: () => rm(root, { recursive: true, force: true }) };
});

test('local: a staged object is a file from its first piece, never memory; a piece that failed to land is never committed', async () => {
  const root = await tempRoot();
  try {
    const backend = new LocalBackend(root);
    const stage = backend.stage();
    const piece = Buffer.allocUnsafeSlow(1 << 20).fill(7);
    await stage.write(piece);
    assert.equal(piece.length, 0, 'the piece was handed over and freed once written');
    const temporaries = (await readdir(root)).filter((n) => n.startsWith('.stage.'));
    assert.equal(temporaries.length, 1);
    await stage.commit('h/packs/one');
    assert.equal(await backend.head('h/packs/one'), 1 << 20);
    assert.deepEqual((await readdir(root)).filter((n) => n.startsWith('.')), [], 'the temporary became the object');

    // The temporary cannot be created (its directory is gone): that write fails, and so must commit.
    const other = await tempRoot();
    const broken = new LocalBackend(join(other, 'gone'));
    const failing = broken.stage();
    await assert.rejects(failing.write(Buffer.alloc(10)), { code: 'ENOENT' });
    await mkdir(join(other, 'gone'));
    await assert.rejects(failing.commit('h/packs/partial'), { code: 'ENOENT' });
    assert.equal(await broken.head('h/packs/partial'), null, 'no object from a stage that lost a piece');
    await rm(other, { recursive: true, force: true });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('local: temporary files of an unfinished write are never listed', async () => {
  const root = await tempRoot();
  try {
    const backend = new LocalBackend(root);
    await backend.put('h/packs/real', Buffer.from('x'));
    await writeFile(join(root, 'h', 'packs', '.real2.abcdef.tmp'), 'half');
    const names: string[] = [];
    for await (const info of backend.list('h/')) names.push(info.name);
    assert.deepEqual(names, ['h/packs/real']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('local: a failed write removes its temporary file', async () => {
  const root = await tempRoot();
  try {
    const backend = new LocalBackend(root);
    const failing = (async function* () { yield Buffer.alloc(10); throw new Error('boom'); })();
    await assert.rejects(backend.put('h/p', failing), /boom/);
    assert.deepEqual(await readdir(join(root, 'h')), []);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('local: names cannot climb out of the root', async () => {
  const root = await tempRoot();
  const outside = await tempRoot();
  try {
    const backend = new LocalBackend(join(root, 'inner'));
    for (const name of ['../escape', 'h/../../escape', `..${'/'}..${'/'}x`]) {
      await assert.rejects(backend.put(name, Buffer.from('x')), { code: 'bad-object-name' });
    }
    assert.deepEqual(await readdir(root), []);
    assert.deepEqual(await readdir(outside), []);
  } finally {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  }
});

test('local: sweepTemporaries removes stale temporary files only', async () => {
  const root = await tempRoot();
  try {
    const backend = new LocalBackend(root);
    await backend.put('h/packs/real', Buffer.from('x'));
    await mkdir(join(root, 'h', 'index'), { recursive: true });
    const stale = join(root, 'h', 'packs', '.abc.0123456789ab.tmp');
    const fresh = join(root, 'h', 'index', '.def.0123456789ab.tmp');
    await writeFile(stale, 'half a pack');
    await writeFile(fresh, 'being written');
    const hourAgo = new Date(Date.now() - 3600_000);
    await utimes(stale, hourAgo, hourAgo);
    assert.equal(await backend.sweepTemporaries(600_000), 1);
    assert.deepEqual(await readdir(join(root, 'h', 'packs')), ['real']);
    assert.deepEqual(await readdir(join(root, 'h', 'index')), ['.def.0123456789ab.tmp']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('local: a symlink where an object belongs is listed and refused on read, never followed', async () => {
  const root = await tempRoot();
  try {
    const backend = new LocalBackend(root);
    await backend.put('h/manifests/aa', new Uint8Array([1, 2, 3]));
    const outside = join(root, '..', `outside-${Date.now()}`);
    await writeFile(outside, 'secret');
    await symlink(outside, join(root, 'h', 'manifests', 'bb'));
    const names: string[] = [];
    for await (const info of backend.list('h/manifests/')) names.push(info.name);
    assert.deepEqual(names, ['h/manifests/aa', 'h/manifests/bb'], 'the link does not vanish from the listing');
    await assert.rejects(backend.get('h/manifests/bb'), { code: 'object-not-a-file' });
    await rm(outside);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
