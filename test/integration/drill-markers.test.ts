// Encryption markers end to end: picked from a tree on disk, backed up into a real repository on a
// local backend (sealed objects) → none found; the same bytes stored in clear → found; the budget holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pickMarkers } from '../../src/drill/pick-markers.ts';
import { scanRepositoryObjects } from '../../src/drill/scan-objects.ts';
import { isDistinctive } from '../../src/drill/markers.ts';
import { LocalBackend } from '../../src/repo/backend/local.ts';
import { backupBytes, HOST, makeRepo, objectNames } from '../../src/repo/testing/repos.ts';
import { pseudoRandom, compressible } from '../../src/repo/testing/pseudo-random.ts';

async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'panther-markers-'));
  try { return await fn(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}

/** A tree with random and text files, long names, zero-filled files, and a symlink pointing out of it. */
async function buildTree(root: string, outside: string): Promise<Buffer> {
  await mkdir(join(root, 'documents', 'quarterly-reports'), { recursive: true });
  const parts: Buffer[] = [];
  const put = async (rel: string, bytes: Buffer): Promise<void> => {
    await writeFile(join(root, rel), bytes);
    parts.push(Buffer.from(rel), bytes);
  };
  for (let i = 0; i < 6; i++) await put(`documents/customer-ledger-${i}.bin`, pseudoRandom(50_000 + i * 1000, `ledger${i}`));
  await put('documents/quarterly-reports/summary-notes.txt', compressible(30_000, 'notes'));
  await put('documents/zeros-only.img', Buffer.alloc(100_000));
  await writeFile(join(outside, 'secret-outside-tree.bin'), pseudoRandom(10_000, 'outside'));
  await symlink(join(outside, 'secret-outside-tree.bin'), join(root, 'documents', 'link-to-outside-data'));
  parts.push(Buffer.from('documents/link-to-outside-data'));
  return Buffer.concat(parts);
}

test('markers from a tree: deterministic, distinctive, never from outside through a symlink', async () => {
  await withTemp(async (dir) => {
    await mkdir(join(dir, 'tree'));
    await mkdir(join(dir, 'outside'));
    await buildTree(join(dir, 'tree'), join(dir, 'outside'));
    const one = await pickMarkers(join(dir, 'tree'), { seed: 'drill-1', count: 16 });
    const again = await pickMarkers(join(dir, 'tree'), { seed: 'drill-1', count: 16 });
    assert.deepEqual(again, one);
    assert.ok(one.markers.length >= 8, `only ${one.markers.length} markers`);
    assert.ok(one.fromNames > 0 && one.fromContent > 0, JSON.stringify(one));
    for (const m of one.markers) assert.ok(isDistinctive(m));
    const outside = await readFile(join(dir, 'outside', 'secret-outside-tree.bin'));
    for (const m of one.markers) assert.equal(outside.indexOf(Buffer.from(m)), -1, 'a marker came from outside the tree');
    for (const m of one.markers) assert.equal(Buffer.alloc(100_000).indexOf(Buffer.from(m)), -1, 'a marker of zeros');
  });
});

test('a real repository holding the tree has none of its markers; the same bytes in clear show them; the budget holds', async () => {
  await withTemp(async (dir) => {
    await mkdir(join(dir, 'tree'));
    await mkdir(join(dir, 'outside'));
    const stream = await buildTree(join(dir, 'tree'), join(dir, 'outside'));
    const { markers } = await pickMarkers(join(dir, 'tree'), { seed: 'drill-2', count: 16 });
    for (const m of markers) assert.ok(stream.indexOf(Buffer.from(m)) >= 0, 'every marker is in the data backed up');

    const backend = new LocalBackend(join(dir, 'repo'));
    const { repo } = await makeRepo({ backend });
    await backupBytes(repo, stream);
    const packs = await objectNames(backend, 'packs');
    assert.ok(packs.length > 1);
    const sealed = await scanRepositoryObjects(backend, HOST, markers, { maxBytes: 1 << 30 });
    assert.equal(sealed.found, 0, `markers found in ${sealed.foundIn.join(', ')}`);
    const all = [...await objectNames(backend, 'manifests'), ...await objectNames(backend, 'index'), ...packs];
    assert.equal(sealed.objectsScanned, all.length);

    // A pack stored in clear (what a repository that forgot to encrypt would hold): found.
    const clear = Buffer.concat([pseudoRandom(5000, 'pad'), stream]);
    const clearName = `${HOST}/packs/${createHash('sha256').update(clear).digest('hex')}`;
    await backend.put(clearName, clear);
    const leaked = await scanRepositoryObjects(backend, HOST, markers, { maxBytes: 1 << 30 });
    assert.equal(leaked.found, markers.length);
    assert.deepEqual(leaked.foundIn, [clearName]);
    const only = await scanRepositoryObjects(backend, HOST, markers, { maxBytes: 1 << 30, packs: [clearName.split('/').at(-1)!] });
    assert.equal(only.found, markers.length);

    // The pack budget: at most maxBytes of packs (metadata apart), read from the packs' starts.
    const metadata = await scanRepositoryObjects(backend, HOST, markers, { maxBytes: 0 });
    const capped = await scanRepositoryObjects(backend, HOST, markers, { maxBytes: 100_000, seed: 'x' });
    assert.equal(capped.bytesScanned - metadata.bytesScanned, 100_000);
    await assert.rejects(scanRepositoryObjects(backend, HOST, markers, { maxBytes: 1, packs: ['../config'] }), /not a pack id/);
    await assert.rejects(scanRepositoryObjects(backend, 'Bad/Host', markers, { maxBytes: 1 }), /cannot be a repository prefix/);
    const stopped = new AbortController();
    stopped.abort();
    await assert.rejects(scanRepositoryObjects(backend, HOST, markers, { maxBytes: 1, signal: stopped.signal }), { code: 'interrupted' });
    await assert.rejects(pickMarkers(join(dir, 'tree'), { seed: 's', signal: stopped.signal }), { code: 'interrupted' });
  });
});

test('one large file is enough for every marker: regions are read again until the count is reached', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'panther-markers-one-'));
  try {
    await writeFile(join(dir, 'a.bin'), pseudoRandom(1024 * 1024, 'one-large-file'));
    const picked = await pickMarkers(dir, { seed: 'one', count: 16 });
    assert.equal(picked.markers.length, 16, `${picked.fromContent} from content, ${picked.fromNames} from names`);
    assert.equal(new Set(picked.markers.map((m) => Buffer.from(m).toString('hex'))).size, 16, 'all different');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
