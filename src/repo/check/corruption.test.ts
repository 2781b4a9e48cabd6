import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryBackend } from '../backend/memory.ts';
import { openRepository } from '../repository.ts';
import type { Repository } from '../repository.ts';
import { HOST, PASSPHRASE, backupBytes, makeRepo, objectNames, restoreBytes } from '../testing/repos.ts';
import { pseudoRandom } from '../testing/pseudo-random.ts';
import type { CheckReport } from './check.ts';

async function twoPoints(): Promise<{ repo: Repository; backend: MemoryBackend; a: string; b: string }> {
  const backend = new MemoryBackend();
  const { repo } = await makeRepo({ backend });
  const a = (await backupBytes(repo, pseudoRandom(600_000, 1), 1)).manifestId;
  const b = (await backupBytes(repo, pseudoRandom(600_000, 2), 2)).manifestId;
  return { repo, backend, a, b };
}

function flip(backend: MemoryBackend, name: string, at: number): void {
  const bytes = backend.raw(name)!;
  bytes[at] = bytes[at]! ^ 0x20;
}

function problemFor(report: CheckReport, object: string) {
  return report.problems.find((p) => p.object === object && p.severity === 'error');
}

async function reopen(backend: MemoryBackend): Promise<Repository> {
  return openRepository(backend, { host: HOST, identity: { passphrase: PASSPHRASE } });
}

test('a flipped byte in a pack: check --read-data names the pack and the one affected point; restore too', async () => {
  const { backend, a, b } = await twoPoints();
  const packs = await objectNames(backend, 'packs');
  // Manifests a and b share no data; the first pack written belongs to a.
  const repo = await reopen(backend);
  const index = await repo.index();
  const packOfA = index.lookup((await repo.readManifest(a)).chunks.subarray(0, 32))!.packId;
  const name = packs.find((n) => n.endsWith(packOfA))!;
  flip(backend, name, 100);
  assert.equal((await repo.check()).ok, true, 'structure alone cannot see it');
  const report = await repo.check({ readData: 100 });
  assert.equal(report.ok, false);
  assert.deepEqual(problemFor(report, name)?.manifests, [a]);
  await assert.rejects(restoreBytes(repo, a), (error: { code: string; message: string; details: { object: string; manifests: string[] } }) =>
    error.code === 'corrupt' && error.details.object === name && error.details.manifests.includes(a));
  assert.equal((await restoreBytes(repo, b)).length, 600_000);
});

test('a flipped byte in an index segment: check names the segment and the points whose chunks it listed', async () => {
  const { backend, a, b } = await twoPoints();
  const segments = await objectNames(backend, 'index');
  assert.equal(segments.length, 2);
  const repo = await reopen(backend);
  flip(backend, segments[0]!, 60);
  const fresh = await reopen(backend);
  const report = await fresh.check();
  assert.equal(report.ok, false);
  const problem = problemFor(report, segments[0]!)!;
  assert.equal(problem.code, 'index-damaged');
  assert.equal(problem.manifests.length, 1);
  const victim = problem.manifests[0]!;
  assert.ok([a, b].includes(victim));
  await assert.rejects(restoreBytes(fresh, victim), (error: { code: string; message: string; details: { manifests: string[] } }) =>
    error.code === 'corrupt' && error.message.includes(segments[0]!) && error.details.manifests.includes(victim));
  assert.ok(repo !== fresh);
});

test('a flipped byte in a manifest: check and restore name it', async () => {
  const { backend, a } = await twoPoints();
  const name = `${HOST}/manifests/${a}`;
  flip(backend, name, 40);
  const repo = await reopen(backend);
  const report = await repo.check();
  assert.deepEqual(problemFor(report, name)?.manifests, [a]);
  await assert.rejects(restoreBytes(repo, a), { code: 'corrupt', subject: name });
  const listed = await repo.listManifests();
  assert.ok(listed.find((m) => m.id === a)?.damaged);
});

test('a truncated or missing pack is a structural error listing the affected point', async () => {
  const { backend, a, b } = await twoPoints();
  const repo = await reopen(backend);
  const index = await repo.index();
  const packOfB = index.lookup((await repo.readManifest(b)).chunks.subarray(0, 32))!.packId;
  const name = `${HOST}/packs/${packOfB}`;
  await backend.put(name, backend.raw(name)!.subarray(0, 1000));
  let report = await repo.check();
  assert.equal(problemFor(report, name)?.code, 'pack-size');
  assert.deepEqual(problemFor(report, name)?.manifests, [b]);
  await backend.delete(name);
  report = await repo.check();
  assert.equal(problemFor(report, name)?.code, 'pack-missing');
  await assert.rejects(restoreBytes(repo, b), { code: 'corrupt', subject: name });
  assert.equal((await restoreBytes(repo, a)).length, 600_000);
});

test('a damaged config or key file is reported with its name', async () => {
  const { backend, repo } = await twoPoints();
  await repo.keys.add({ passphrase: 'spare', scryptLogN: 10 });
  const keys = await objectNames(backend, 'keys');
  const other = keys.find((k) => !k.endsWith(repo.keys.currentId))!;
  flip(backend, other, 50);
  const report = await repo.check();
  assert.equal(problemFor(report, other)?.code, 'key-damaged');
  await assert.rejects(openRepository(backend, { host: HOST, identity: { passphrase: 'spare' } }),
    (error: { code: string; details: { damaged: string[] } }) => error.code === 'wrong-key' && error.details.damaged.includes(other));
  flip(backend, `${HOST}/config`, 45);
  await assert.rejects(reopen(backend), { code: 'corrupt', subject: `${HOST}/config` });
});

test('property: one flipped bit in any object is detected by open or check --read-data, naming the object', async () => {
  const { backend } = await twoPoints();
  const names: string[] = [];
  for await (const info of backend.list(`${HOST}/`)) names.push(info.name);
  await fc.assert(fc.asyncProperty(fc.nat(names.length - 1), fc.nat(), fc.nat(7), async (which, position, bit) => {
    const name = names[which]!;
    const bytes = backend.raw(name)!;
    const at = position % bytes.length;
    bytes[at] = bytes[at]! ^ (1 << bit);
    try {
      let repo: Repository;
      try {
        repo = await reopen(backend);
      } catch (error) {
        const e = error as { code: string; subject?: string; details?: { damaged?: string[] } };
        assert.ok(e.subject === name || e.details?.damaged?.includes(name), `${e.code} without naming ${name}`);
        return;
      }
      const report = await repo.check({ readData: 100 });
      assert.equal(report.ok, false, `${name}@${at} not detected`);
      assert.ok(problemFor(report, name), `${name} not named: ${JSON.stringify(report.problems)}`);
    } finally {
      bytes[at] = bytes[at]! ^ (1 << bit);
    }
  }), { numRuns: 60 });
});
