// repair-index rebuilds the index from the pack trailers: a damaged, a deleted, or every segment
// lost, and the points restore byte for byte again. New segments are written before any old one
// is deleted, so a crash at any step leaves every point as restorable as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBackend } from '../backend/memory.ts';
import { FaultBackend } from '../backend/fault.ts';
import type { Backend } from '../backend/backend.ts';
import { openRepository } from '../repository.ts';
import type { Repository } from '../repository.ts';
import { HOST, PASSPHRASE, backupBytes, makeRepo, objectNames, restoreBytes } from '../testing/repos.ts';
import { pseudoRandom } from '../testing/pseudo-random.ts';

const DATA = [pseudoRandom(500_000, 11), pseudoRandom(400_000, 12)];

async function twoPoints(backend: Backend = new MemoryBackend()): Promise<{ backend: Backend; ids: string[] }> {
  const { repo } = await makeRepo({ backend });
  const ids: string[] = [];
  for (const [n, data] of DATA.entries()) ids.push((await backupBytes(repo, data, n + 1)).manifestId);
  return { backend, ids };
}

const reopen = (backend: Backend): Promise<Repository> => openRepository(backend, { host: HOST, identity: { passphrase: PASSPHRASE } });

async function assertRepaired(backend: Backend, ids: string[]): Promise<void> {
  const repo = await reopen(backend);
  const report = await repo.check({ readData: 100 });
  assert.deepEqual(report.problems, [], 'check is clean after the repair');
  for (const [n, id] of ids.entries()) assert.ok((await restoreBytes(repo, id)).equals(DATA[n]!), `point ${n} restores identical`);
}

test('a flipped byte in one segment: check names repair-index, repair makes every point restorable', async () => {
  const { backend, ids } = await twoPoints();
  const segments = await objectNames(backend, 'index');
  const raw = (backend as MemoryBackend).raw(segments[0]!)!;
  raw[60] = raw[60]! ^ 0x20;
  const repo = await reopen(backend);
  const before = await repo.check();
  assert.equal(before.ok, false);
  assert.match(before.problems.find((p) => p.code === 'index-damaged')!.hint!, /panther backup repair-index/);
  await assert.rejects(repo.prune(ids), (e: { code: string; hint: string }) => e.code === 'prune-refused' && /repair-index/.test(e.hint));

  const report = await repo.repairIndex();
  assert.deepEqual(report.segments.damaged.map((d) => d.object), [segments[0]]);
  assert.deepEqual([...report.segments.deleted].sort(), [...segments].sort(), 'every old segment goes');
  assert.equal(report.packs.unreadable.length, 0);
  assert.equal(report.packs.indexed, report.packs.listed);
  assert.ok(!(await objectNames(backend, 'index')).includes(segments[0]!));
  await assertRepaired(backend, ids);
  // Prune, which refused while the segment was damaged, runs again.
  const pruned = await (await reopen(backend)).prune([ids[1]!]);
  assert.deepEqual(pruned.deletedManifests, [ids[0]]);
  assert.ok((await restoreBytes(await reopen(backend), ids[1]!)).equals(DATA[1]!));
});

test('one segment deleted: chunk-missing names repair-index; repair indexes its packs again', async () => {
  const { backend, ids } = await twoPoints();
  const segments = await objectNames(backend, 'index');
  await backend.delete(segments[1]!);
  const before = await (await reopen(backend)).check();
  const missing = before.problems.find((p) => p.code === 'chunk-missing')!;
  assert.match(missing.hint!, /panther backup repair-index/);
  await (await reopen(backend)).repairIndex();
  await assertRepaired(backend, ids);
});

test('every segment deleted: the index comes back from the packs alone', async () => {
  const { backend, ids } = await twoPoints();
  for (const name of await objectNames(backend, 'index')) await backend.delete(name);
  await assert.rejects(restoreBytes(await reopen(backend), ids[0]!), /repair-index|not in the index/);
  const report = await (await reopen(backend)).repairIndex();
  assert.deepEqual(report.segments.before, []);
  assert.ok(report.segments.written.length >= 1);
  await assertRepaired(backend, ids);
});

test('--dry-run reads the trailers and changes nothing', async () => {
  const { backend } = await twoPoints();
  const segments = await objectNames(backend, 'index');
  await backend.delete(segments[0]!);
  const names = async (): Promise<string[]> => { const out: string[] = []; for await (const i of backend.list(`${HOST}/`)) out.push(i.name); return out; };
  const before = await names();
  const report = await (await reopen(backend)).repairIndex({ dryRun: true });
  assert.equal(report.dryRun, true);
  assert.deepEqual(report.segments.written, []);
  assert.deepEqual(report.segments.deleted, [segments[1]]);
  assert.deepEqual(await names(), before);
});

test('order: every new segment is written before the first old one is deleted; a crash in between leaves all restorable', async () => {
  const { backend, ids } = await twoPoints();
  const segments = await objectNames(backend, 'index');
  const raw = (backend as MemoryBackend).raw(segments[0]!)!;
  raw[70] = raw[70]! ^ 0x01;
  const ops: string[] = [];
  const faulty = new FaultBackend(backend, {
    failWhen: (call) => {
      if (call.name.startsWith(`${HOST}/index/`) && (call.op === 'put' || call.op === 'delete')) ops.push(call.op);
      return call.op === 'delete';
    },
  });
  await assert.rejects((await reopen(faulty)).repairIndex());
  assert.deepEqual(ops, ['put', 'delete'], 'the new segment first, then the first delete (which failed)');
  // Old and new segments side by side: duplicates, which readers accept. The damaged one is still
  // there, so check still reports it, but every point restores.
  const mid = await reopen(backend);
  for (const [n, id] of ids.entries()) assert.ok((await restoreBytes(mid, id)).equals(DATA[n]!));
  // Running it again finishes the work.
  await (await reopen(backend)).repairIndex();
  await assertRepaired(backend, ids);
});

test('a pack whose trailer is damaged keeps the entries an intact segment had for it', async () => {
  const { backend, ids } = await twoPoints();
  const packs = await objectNames(backend, 'packs');
  const raw = (backend as MemoryBackend).raw(packs[0]!)!;
  raw[raw.length - 10] = raw[raw.length - 10]! ^ 0x04; // inside the trailer's GCM tag
  const report = await (await reopen(backend)).repairIndex();
  assert.deepEqual(report.packs.unreadable.map((p) => [p.pack, p.keptFromSegment]), [[packs[0], true]]);
  const repo = await reopen(backend);
  for (const [n, id] of ids.entries()) assert.ok((await restoreBytes(repo, id)).equals(DATA[n]!));
});
