import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultBackend } from '../backend/fault.ts';
import { MemoryBackend } from '../backend/memory.ts';
import { DEFAULT_PARAMS } from '../params.ts';
import { backupBytes, makeRepo, restoreBytes } from '../testing/repos.ts';
import { pseudoRandom } from '../testing/pseudo-random.ts';
import type { BackupProgress } from './backup-writer.ts';

test('a second identical stream stores no chunks, only its manifest', async () => {
  const backend = new FaultBackend(new MemoryBackend());
  const { repo } = await makeRepo({ backend });
  const data = pseudoRandom(2 * 1024 * 1024, 1);
  const first = await backupBytes(repo, data, 1);
  const before = backend.stats.putBytes;
  const second = await backupBytes(repo, data, 2);
  assert.equal(second.progress.newChunks, 0);
  assert.equal(second.progress.newBytes, 0);
  assert.equal(second.progress.dedupBytes, data.length);
  assert.equal(second.progress.storedBytes, 0);
  const written = backend.stats.putBytes - before;
  assert.ok(written < 10_000, `${written} bytes written for a duplicate stream (manifest only)`);
  assert.equal(second.head.stream.sha256, first.head.stream.sha256);
  assert.deepEqual(await restoreBytes(repo, second.manifestId), data);
});

test('repeated content inside one stream is stored once', async () => {
  const { repo } = await makeRepo();
  const block = pseudoRandom(512 * 1024, 3);
  const data = Buffer.concat([block, block, block, block]);
  const result = await backupBytes(repo, data);
  assert.ok(result.progress.newBytes < 0.4 * data.length, `new ${result.progress.newBytes} of ${data.length}`);
  assert.deepEqual(await restoreBytes(repo, result.manifestId), data);
});

test('a 100-byte insertion near the start stores only a few new chunks (default 1 MiB chunks)', async () => {
  const backend = new FaultBackend(new MemoryBackend());
  const { repo } = await makeRepo({ backend, params: DEFAULT_PARAMS });
  const data = pseudoRandom(40 * 1024 * 1024, 4);
  const first = await backupBytes(repo, data, 1);
  const edited = Buffer.concat([data.subarray(0, 5000), pseudoRandom(100, 5), data.subarray(5000)]);
  const before = backend.stats.putBytes;
  const second = await backupBytes(repo, edited, 2);
  assert.ok(second.progress.newChunks <= 3, `${second.progress.newChunks} new chunks of ${second.head.stream.chunks}`);
  assert.ok(second.progress.newBytes <= 3 * 8 * 1024 * 1024);
  assert.ok(backend.stats.putBytes - before < second.progress.newBytes + 100_000);
  assert.ok(Math.abs(first.head.stream.chunks - second.head.stream.chunks) <= 2);
  assert.deepEqual(await restoreBytes(repo, second.manifestId), edited);
});

test('progress reports bytes read, new vs dedup bytes and stored bytes as they grow', async () => {
  const { repo } = await makeRepo();
  const data = pseudoRandom(1024 * 1024, 6);
  await backupBytes(repo, data, 1);
  const seen: BackupProgress[] = [];
  const mixed = Buffer.concat([data, pseudoRandom(1024 * 1024, 7)]);
  const result = await backupBytes(repo, mixed, 2, { onProgress: (p) => seen.push({ ...p }) });
  assert.ok(seen.length > 10);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.bytesRead >= seen[i - 1]!.bytesRead && seen[i]!.storedBytes >= seen[i - 1]!.storedBytes);
  const last = seen.at(-1)!;
  assert.equal(last.bytesRead, mixed.length);
  assert.equal(last.newBytes + last.dedupBytes, mixed.length);
  assert.ok(last.dedupBytes >= 0.8 * data.length, `dedup ${last.dedupBytes}`);
  assert.ok(last.storedBytes > 0.9 * 1024 * 1024);
  assert.deepEqual(result.progress, last);
});
