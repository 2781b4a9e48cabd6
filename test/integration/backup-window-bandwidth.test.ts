// The upload cap as a behaviour, not a benchmark: a repository backup of an incompressible stream
// through the LimitBackend over a local directory must go up at the cap (±10%) over a run long
// enough (> 30 s) that start-up and the last pack's flush cannot hide a limiter that is off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRepository, LocalBackend } from '../../src/repo/index.ts';
import { LimitBackend } from '../../src/repo/backend/limit.ts';

const MiB = 1024 * 1024;
const TARGET = 8_000_000; // bit/s: 40 MiB take ≈ 42 s

async function* randomStream(bytes: number): AsyncGenerator<Uint8Array> {
  for (let left = bytes; left > 0; left -= MiB) yield randomBytes(Math.min(MiB, left));
}

test('bandwidth cap: a 40 MiB backup goes up at 8 Mbit/s ± 10%', { timeout: 180_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'panther-bandwidth-'));
  try {
    const limited = new LimitBackend(new LocalBackend(join(dir, 'repo')), { uploadBitsPerSecond: TARGET });
    // Small packs (4 MiB) so the first pack's fill before any upload is a small part of the run.
    const repo = await initRepository(limited, {
      host: 'yoga', passphrase: 'test', scryptLogN: 10,
      params: { chunker: { min: 256 * 1024, avg: 512 * 1024, max: 2 * MiB }, packSize: 4 * MiB },
    });
    const before = limited.stats().upload.bytes;
    const started = performance.now();
    const result = await repo.backup(randomStream(40 * MiB), {
      subvolume: '@home', snapshot: { name: '@home.20260310T010000Z', uuid: '00000000-0000-4000-8000-000000000001', time: '2026-03-10T01:00:00Z' },
    });
    const wallMs = performance.now() - started;
    const stats = limited.stats().upload;
    const bytes = stats.bytes - before;
    const wallRate = (bytes * 8 * 1000) / wallMs;
    t.diagnostic(`uploaded ${bytes} bytes in ${(wallMs / 1000).toFixed(1)} s: ${(wallRate / 1e6).toFixed(3)} Mbit/s by the wall clock, ` +
      `${((stats.bitsPerSecond ?? 0) / 1e6).toFixed(3)} Mbit/s by the limiter over ${(stats.elapsedMs / 1000).toFixed(1)} s (target ${TARGET / 1e6} Mbit/s)`);
    assert.ok(result.progress.storedBytes >= 40 * MiB, 'random data does not compress: everything is stored');
    assert.ok(wallMs >= 30_000, `the run lasted ${wallMs.toFixed(0)} ms, at least 30 s`);
    assert.ok(Math.abs(wallRate - TARGET) / TARGET <= 0.10, `achieved ${wallRate.toFixed(0)} bit/s vs ${TARGET}`);
    assert.ok(Math.abs(stats.bitsPerSecond! - TARGET) / TARGET <= 0.10, `limiter measured ${stats.bitsPerSecond} bit/s`);
    const check = await repo.check({ readData: 100 });
    assert.equal(check.ok, true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
