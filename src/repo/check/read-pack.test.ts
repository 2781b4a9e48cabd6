import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PackReadRecorder } from '../testing/pack-reads.ts';
import { backupBytes, makeRepo } from '../testing/repos.ts';
import { compressible, pseudoRandom } from '../testing/pseudo-random.ts';

test('check --read-data frees each pack it read once verified, and still finds every problem', async () => {
  const backend = new PackReadRecorder();
  const { reads } = backend;
  // Packs large enough to be freed early (core/release.ts leaves buffers below 64 KiB).
  const { repo } = await makeRepo({ backend, params: { chunker: { min: 128 * 1024, avg: 256 * 1024, max: 1024 * 1024 }, packSize: 2 * 1024 * 1024 } });
  await backupBytes(repo, Buffer.concat([compressible(3_000_000, 'check'), pseudoRandom(3_000_000, 'check')]));
  const clean = await repo.check({ readData: 100 });
  assert.ok(clean.ok, JSON.stringify(clean.problems));
  assert.ok(reads.length >= 2, `${reads.length} packs read`);
  for (const [i, read] of reads.entries()) assert.equal(read.byteLength, 0, `pack read ${i} (${read.byteLength} bytes) was freed`);

  // Freeing early must not hide damage: a flipped byte in a pack is still found.
  const pack = [...(await repo.index()).packIds][0]!;
  const raw = backend.raw(`${repo.host}/packs/${pack}`)!;
  raw[100] = raw[100]! ^ 1;
  const damaged = await repo.check({ readData: 100 });
  assert.equal(damaged.ok, false);
  assert.ok(damaged.problems.some((p) => JSON.stringify(p).includes(pack)), JSON.stringify(damaged.problems));
});
