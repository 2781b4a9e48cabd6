// Crash safety of the write path: whatever call fails (or however a run is aborted), the repository
// still checks clean and the next run stores only what is not yet durable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultBackend } from '../backend/fault.ts';
import type { FaultCall } from '../backend/fault.ts';
import type { BackupProgress } from './backup-writer.ts';
import { MemoryBackend } from '../backend/memory.ts';
import { LocalBackend } from '../backend/local.ts';
import type { Backend, StagedPut } from '../backend/backend.ts';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRepository } from '../repository.ts';
import type { Repository } from '../repository.ts';
import { HOST, PASSPHRASE, SMALL_PARAMS, backupBytes, makeRepo, restoreBytes } from '../testing/repos.ts';
import { pseudoRandom } from '../testing/pseudo-random.ts';

const DATA = pseudoRandom(1536 * 1024, 11);
const PACK = SMALL_PARAMS.packSize!;
const MAX_CHUNK = SMALL_PARAMS.chunker!.max;

async function cleanRunPackBytes(): Promise<{ packBytes: number; puts: number; deletes: number }> {
  const fault = new FaultBackend(new MemoryBackend());
  const { repo } = await makeRepo({ backend: fault });
  const before = { ...fault.stats.calls };
  await backupBytes(repo, DATA);
  return { packBytes: fault.stats.putBytesByKind['packs'] ?? 0, puts: fault.stats.calls.put - before.put, deletes: fault.stats.calls.delete - before.delete };
}

async function durablePackBytes(repo: Repository): Promise<number> {
  const index = await repo.index();
  return index.packSizes.reduce((a, b) => a + b, 0);
}

/**
 * After the failed run: check is clean, a rerun completes, restores, and stores only the rest.
 * `reference` comes from another repository, whose keyed chunker cuts a few chunks differently, so
 * the slack also covers some 100 bytes of per-blob overhead per chunk of difference.
 */
async function recoverAndVerify(inner: Backend, reference: number, slack: number, label: string): Promise<BackupProgress> {
  const reopened = await openRepository(inner, { host: HOST, identity: { passphrase: PASSPHRASE } });
  const report = await reopened.check({ readData: 100 });
  assert.equal(report.ok, true, `${label}: ${JSON.stringify(report.problems.filter((p) => p.severity === 'error'))}`);
  const durable = await durablePackBytes(reopened);
  const counter = new FaultBackend(inner);
  const again = await openRepository(counter, { host: HOST, identity: { passphrase: PASSPHRASE } });
  const result = await backupBytes(again, DATA, 2);
  const rerun = counter.stats.putBytesByKind['packs'] ?? 0;
  assert.ok(durable + rerun <= reference + slack, `${label}: durable ${durable} + rerun ${rerun} > clean ${reference} + ${slack}`);
  assert.deepEqual(await restoreBytes(again, result.manifestId), DATA, label);
  assert.equal((await again.check()).ok, true, `${label}: check after rerun`);
  return result.progress;
}

test('a failure of any single put or delete during a backup leaves a clean, resumable repository', async () => {
  const clean = await cleanRunPackBytes();
  assert.ok(clean.puts > 8, `${clean.puts} puts`);
  for (const op of ['put', 'delete'] as const) {
    const count = op === 'put' ? clean.puts : clean.deletes;
    for (let k = 0; k < count; k++) {
      const inner = new MemoryBackend();
      const fault = new FaultBackend(inner);
      const { repo } = await makeRepo({ backend: fault });
      const base = fault.stats.calls[op];
      fault.plan = { failWhen: (call: FaultCall) => call.op === op && call.index === base + k };
      if (op === 'put') await assert.rejects(backupBytes(repo, DATA), { code: 'injected-fault' }, `${op} #${k}`);
      // Deletes only tidy up after the manifest is written: a failed one leaves a harmless duplicate.
      else assert.equal((await backupBytes(repo, DATA)).leftoverSegments, 1, `${op} #${k}`);
      // At most the pack being filled and the one being uploaded are lost.
      await recoverAndVerify(inner, clean.packBytes, 2 * PACK + 4096, `${op} #${k}`);
    }
  }
});

test('a pack stored truncated under its final name (a non-atomic backend) is an orphan, not damage', async () => {
  const clean = await cleanRunPackBytes();
  for (const k of [0, 2, 4]) {
    const inner = new MemoryBackend();
    const fault = new FaultBackend(inner);
    const { repo } = await makeRepo({ backend: fault });
    let packs = 0;
    fault.plan = { truncateWhen: (call: FaultCall) => call.name.includes('/packs/') && packs++ === k };
    await assert.rejects(backupBytes(repo, DATA), { code: 'injected-fault' });
    await recoverAndVerify(inner, clean.packBytes, 2 * PACK + 4096, `truncated pack #${k}`);
  }
});

test('aborting at random points, with and without flushing, never costs more than the open pack', async () => {
  const clean = await cleanRunPackBytes();
  for (let trial = 0; trial < 16; trial++) {
    const flushOnAbort = trial % 2 === 0;
    const abortAt = 1 + ((trial * 37) % 90);
    const inner = new MemoryBackend();
    const { repo } = await makeRepo({ backend: inner });
    const controller = new AbortController();
    let calls = 0;
    let readBeforeAbort = 0;
    await assert.rejects(backupBytes(repo, DATA, 1, {
      signal: controller.signal, flushOnAbort,
      onProgress: (p) => { readBeforeAbort = p.newBytes; if (++calls === abortAt) controller.abort(); },
    }), { code: 'interrupted', exitCode: 130 });
    const slack = flushOnAbort ? 8192 : PACK + 4 * MAX_CHUNK + 8192;
    const rerun = await recoverAndVerify(inner, clean.packBytes, slack, `abort at ${abortAt}, flush ${flushOnAbort}`);
    // Flushed: every chunk read before the abort is stored exactly once over both runs.
    if (flushOnAbort) assert.equal(rerun.newBytes, DATA.length - readBeforeAbort, `abort at ${abortAt}`);
  }
});

test('random failures of 5 % of all calls: every run either completes or leaves a clean repository', async () => {
  const inner = new MemoryBackend();
  const { repo } = await makeRepo({ backend: inner });
  await backupBytes(repo, pseudoRandom(300_000, 99), 0);
  let completed = 0;
  for (let seed = 1; seed <= 12; seed++) {
    const fault = new FaultBackend(inner, { failRate: 0.05, seed, ops: ['put', 'get', 'delete'] });
    try {
      const run = await openRepository(fault, { host: HOST, identity: { passphrase: PASSPHRASE } });
      await backupBytes(run, pseudoRandom(400_000 + seed, seed), seed);
      completed += 1;
    } catch (error) {
      assert.equal((error as { code?: string }).code, 'injected-fault');
    }
    const reopened = await openRepository(inner, { host: HOST, identity: { passphrase: PASSPHRASE } });
    assert.equal((await reopened.check({ readData: 100 })).ok, true, `seed ${seed}`);
  }
  const final = await openRepository(inner, { host: HOST, identity: { passphrase: PASSPHRASE } });
  for (const entry of await final.listManifests()) {
    assert.equal((await restoreBytes(final, entry.id)).length, entry.head!.stream.size);
  }
  assert.ok(completed >= 1 && completed < 12, `${completed} of 12 runs completed: want both outcomes`);
});

test('a source that dies mid-stream (send killed) still makes what it delivered durable', async () => {
  const clean = await cleanRunPackBytes();
  const inner = new MemoryBackend();
  const { repo } = await makeRepo({ backend: inner });
  const dying = async function* () {
    yield DATA.subarray(0, 1024 * 1024);
    throw new Error('btrfs send exited with status 1');
  };
  await assert.rejects(repo.backup(dying(), { subvolume: '@home', snapshot: { name: 's', uuid: 'u', time: 't' } }), /btrfs send exited/);
  const durable = await durablePackBytes(await openRepository(inner, { host: HOST, identity: { passphrase: PASSPHRASE } }));
  assert.ok(durable > 0.6 * clean.packBytes, `durable ${durable} of ${clean.packBytes}`);
  await recoverAndVerify(inner, clean.packBytes, PACK + 4 * MAX_CHUNK, 'dying source');
});

/** A local store whose k-th staged write (over all stages) fails: a disk error mid-pack. */
class FailingStageWrite extends LocalBackend {
  writes = 0;
  readonly failAt: number;
  constructor(root: string, failAt: number) { super(root); this.failAt = failAt; }
  override stage(): StagedPut {
    const inner = super.stage();
    return {
      write: (data) => (this.writes++ === this.failAt ? Promise.reject(Object.assign(new Error('EIO: injected'), { code: 'injected-fault' })) : inner.write(data)),
      commit: (name) => inner.commit(name),
      abort: () => inner.abort(),
    };
  }
}

test('local repository: a pack piece that fails to reach the disk never becomes part of a pack; no temporary is left', async () => {
  const clean = await cleanRunPackBytes();
  for (const k of [0, 3, 9, 17]) {
    const root = await mkdtemp(join(tmpdir(), 'panther-stage-crash-'));
    try {
      const failing = new FailingStageWrite(root, k);
      const { repo } = await makeRepo({ backend: failing });
      await assert.rejects(backupBytes(repo, DATA), { code: 'injected-fault' }, `write #${k}`);
      assert.deepEqual((await readdir(root)).filter((n) => n.startsWith('.')), [], `write #${k}: temporaries left`);
      await recoverAndVerify(new LocalBackend(root), clean.packBytes, 2 * PACK + 4096, `stage write #${k}`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }
});
