// check must fail when points are unrestorable although every object that remains is intact: a
// chain whose full point is gone, points that vanished (compared with the host's record), and say
// how much data no point references.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBackend } from '../backend/memory.ts';
import { HOST, makeRepo, meta } from '../testing/repos.ts';
import { inReads, pseudoRandom } from '../testing/pseudo-random.ts';
import type { Repository } from '../repository.ts';
import type { RecordedPoint } from './references.ts';

/** A full point and two incrementals on it, sharing no data. */
async function chain(): Promise<{ repo: Repository; backend: MemoryBackend; ids: string[]; recorded: RecordedPoint[] }> {
  const backend = new MemoryBackend();
  const { repo } = await makeRepo({ backend });
  const ids: string[] = [];
  for (let n = 1; n <= 3; n++) {
    const data = pseudoRandom(300_000, n);
    ids.push((await repo.backup(inReads(data, 65_536, data.length), meta(n, ids.at(-1) ?? null))).manifestId);
  }
  const recorded = ids.map((id, n) => ({ id, subvolume: '@home', snapshot: `@home.${n + 1}`, time: '2026-11-24T02:00:00.000Z' }));
  return { repo, backend, ids, recorded };
}

const errors = (r: { problems: Array<{ severity: string; code: string; message: string; manifests: string[] }> }) => r.problems.filter((p) => p.severity === 'error');

test('a clean chain checks clean, with nothing unreferenced', async () => {
  const { repo, recorded } = await chain();
  const report = await repo.check({ readData: 100, recorded });
  assert.deepEqual(report.problems, []);
  assert.equal(report.ok, true);
  assert.equal(report.stats.unreferencedPacks, 0);
});

test('the full point of a chain deleted: every incremental on it is an error, not a warning', async () => {
  const { repo, ids } = await chain();
  await repo.deleteManifest(ids[0]!);
  const report = await repo.check({ readData: 100 });
  assert.equal(report.ok, false, JSON.stringify(report.problems));
  const broken = errors(report).find((p) => p.code === 'parent-missing');
  assert.ok(broken, JSON.stringify(report.problems));
  assert.deepEqual(new Set(broken.manifests), new Set([ids[1], ids[2]]), 'the incremental and the one after it');
  const packs = report.problems.find((p) => p.code === 'packs-unreferenced');
  assert.equal(packs?.severity, 'warning');
  assert.ok(report.stats.unreferencedPacks >= 1 && report.stats.unreferencedPackBytes > 0);
  assert.match(packs!.message, /prune would reclaim \d/);
});

test('every manifest deleted: unreferenced packs are reported with the bytes prune would reclaim', async () => {
  const { repo, backend, ids } = await chain();
  for (const id of ids) await repo.deleteManifest(id);
  const report = await repo.check({ readData: 100 });
  const packs = report.problems.find((p) => p.code === 'packs-unreferenced')!;
  assert.equal(packs.severity, 'warning');
  let total = 0;
  for await (const info of backend.list(`${HOST}/packs/`)) total += info.size;
  assert.equal(report.stats.unreferencedPackBytes, total, 'every pack is unreferenced');
  const pruned = await repo.prune([], { dryRun: true });
  assert.equal(pruned.bytes.deleted, total, 'what check says prune reclaims is what prune deletes');
});

test('points the host recorded that the repository no longer has are errors naming them', async () => {
  const { repo, ids, recorded } = await chain();
  for (const id of ids) await repo.deleteManifest(id);
  const report = await repo.check({ recorded });
  assert.equal(report.ok, false);
  const vanished = errors(report).filter((p) => p.code === 'point-vanished');
  assert.deepEqual(vanished.map((p) => p.manifests[0]).sort(), [...ids].sort());
  assert.match(vanished[0]!.message, /recorded as completed on this host/);
});

test('the last point deleted alone: its recorded entry is the only evidence', async () => {
  const { repo, ids, recorded } = await chain();
  await repo.deleteManifest(ids[2]!);
  assert.equal((await repo.check()).ok, true, 'without the record nothing in the repository shows it');
  const report = await repo.check({ recorded });
  assert.deepEqual(errors(report).map((p) => [p.code, p.manifests]), [['point-vanished', [ids[2]]]]);
});
