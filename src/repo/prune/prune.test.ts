import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultBackend } from '../backend/fault.ts';
import type { FaultCall } from '../backend/fault.ts';
import { MemoryBackend } from '../backend/memory.ts';
import { openRepository } from '../repository.ts';
import type { Repository } from '../repository.ts';
import { HOST, PASSPHRASE, backupBytes, makeRepo, objectNames, restoreBytes } from '../testing/repos.ts';
import { pseudoRandom } from '../testing/pseudo-random.ts';

const P = pseudoRandom(700_000, 1);
const Q = pseudoRandom(700_000, 2);
const R = pseudoRandom(300_000, 3);

async function totalBytes(backend: MemoryBackend, kind: string): Promise<number> {
  let sum = 0;
  for await (const info of backend.list(`${HOST}/${kind}/`)) sum += info.size;
  return sum;
}

async function threePoints(backend: MemoryBackend | FaultBackend): Promise<{ repo: Repository; a: string; b: string; c: string }> {
  const { repo } = await makeRepo({ backend });
  const a = (await backupBytes(repo, Buffer.concat([P, Q]), 1)).manifestId;
  const b = (await backupBytes(repo, P, 2)).manifestId;
  const c = (await backupBytes(repo, R, 3)).manifestId;
  return { repo, a, b, c };
}

test('prune keeps what it is told, deletes the rest, repacks mixed packs, and frees the space', async () => {
  const backend = new MemoryBackend();
  const { repo, a, b, c } = await threePoints(backend);
  const before = await totalBytes(backend, 'packs');
  const dry = await repo.prune([b], { dryRun: true, repackThreshold: 0.1 });
  assert.equal(await totalBytes(backend, 'packs'), before, 'dry run changes nothing');
  assert.deepEqual(dry.deletedManifests.sort(), [a, c].sort());
  const report = await repo.prune([b], { repackThreshold: 0.1 });
  assert.ok(report.packs.deleted >= 2, JSON.stringify(report.packs));
  assert.ok(report.packs.repacked >= 1, JSON.stringify(report.packs));
  assert.deepEqual((await repo.listManifests()).map((m) => m.id), [b]);
  const after = await totalBytes(backend, 'packs');
  assert.ok(after < 0.6 * before && after >= P.length * 0.95, `packs ${before} → ${after}`);
  assert.equal((await objectNames(backend, 'index')).length, 1, 'index compacted');
  const fresh = await openRepository(backend, { host: HOST, identity: { passphrase: PASSPHRASE } });
  assert.equal((await fresh.check({ readData: 100 })).ok, true);
  assert.deepEqual(await restoreBytes(fresh, b), P);
  // Dedup still works against repacked data.
  const again = await backupBytes(fresh, P, 4);
  assert.equal(again.progress.newBytes, 0);
});

test('prune refuses unknown ids and a damaged index; removes orphan packs of crashed runs', async () => {
  const backend = new MemoryBackend();
  const { repo, a, b } = await threePoints(backend);
  await assert.rejects(repo.prune([a, 'f'.repeat(64)]), { code: 'unknown-manifest', exitCode: 3 });
  await backend.put(`${HOST}/packs/${'e'.repeat(64)}`, Buffer.from('left by a crash'));
  const report = await repo.prune([a, b]);
  assert.equal(report.packs.unindexedDeleted, 1);
  assert.equal(await backend.head(`${HOST}/packs/${'e'.repeat(64)}`), null);
  const segment = (await objectNames(backend, 'index'))[0]!;
  const bytes = backend.raw(segment)!;
  bytes[50] = bytes[50]! ^ 1;
  await assert.rejects(repo.prune([a]), { code: 'prune-refused' });
});

test('a crash at any put or delete during prune leaves every kept point restorable; prune again finishes', async () => {
  const reference = new FaultBackend(new MemoryBackend());
  const ref = await threePoints(reference);
  const base = { ...reference.stats.calls };
  await ref.repo.prune([ref.b], { repackThreshold: 0.1 });
  const puts = reference.stats.calls.put - base.put;
  const deletes = reference.stats.calls.delete - base.delete;
  assert.ok(puts >= 2 && deletes >= 4, `${puts} puts, ${deletes} deletes`);
  for (const op of ['put', 'delete'] as const) {
    for (let k = 0; k < (op === 'put' ? puts : deletes); k++) {
      const inner = new MemoryBackend();
      const fault = new FaultBackend(inner);
      const { repo, b } = await threePoints(fault);
      const start = fault.stats.calls[op];
      fault.plan = { failWhen: (call: FaultCall) => call.op === op && call.index === start + k };
      await assert.rejects(repo.prune([b], { repackThreshold: 0.1 }), { code: 'injected-fault' });
      const reopened = await openRepository(inner, { host: HOST, identity: { passphrase: PASSPHRASE } });
      const report = await reopened.check({ readData: 100 });
      assert.equal(report.ok, true, `${op} #${k}: ${JSON.stringify(report.problems)}`);
      assert.deepEqual(await restoreBytes(reopened, b), P, `${op} #${k}`);
      await reopened.prune([b]);
      assert.deepEqual((await reopened.listManifests()).map((m) => m.id), [b]);
      assert.equal((await reopened.check({ readData: 100 })).ok, true, `${op} #${k} after second prune`);
    }
  }
});

test('beforeDelete hears of the points to delete before the first manifest goes, and never in a dry run', async () => {
  const backend = new MemoryBackend();
  const { repo, a, b, c } = await threePoints(backend);
  const heard: Array<{ ids: string[]; manifestsLeft: number }> = [];
  const beforeDelete = async (ids: readonly string[]): Promise<void> => {
    heard.push({ ids: [...ids].sort(), manifestsLeft: (await objectNames(backend, 'manifests')).length });
  };
  await repo.prune([b], { dryRun: true, beforeDelete });
  assert.deepEqual(heard, []);
  await repo.prune([b], { beforeDelete });
  assert.deepEqual(heard, [{ ids: [a, c].sort(), manifestsLeft: 3 }]);
});
