// PackSink hands each blob to the stage without waiting for the write, so chunking and sealing the
// next blob overlap it; but a stage takes its pieces one after another, so no two writes are ever in
// flight, pieces land in order, and a write that failed stops the next call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBackend } from '../backend/memory.ts';
import type { StagedPut } from '../backend/backend.ts';
import { makeRepo } from '../testing/repos.ts';
import { PackSink } from './pack-sink.ts';

/** A memory backend whose stage writes finish only when the test lets them, one promise each. */
class HeldWrites extends MemoryBackend {
  readonly held: Array<{ data: Uint8Array; finish: (error?: Error) => void }> = [];
  inFlight = 0;
  maxInFlight = 0;
  override stage(): StagedPut {
    const inner = super.stage();
    return {
      write: (data) => new Promise<void>((resolve, reject) => {
        this.inFlight += 1;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        this.held.push({ data: Uint8Array.from(data), finish: (error) => {
          this.inFlight -= 1;
          if (error !== undefined) reject(error);
          else inner.write(data).then(resolve, reject);
        } });
      }),
      commit: (name) => inner.commit(name),
      abort: () => inner.abort(),
    };
  }
}

const settled = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void p.then(() => { done = true; }, () => { done = true; });
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return done;
};

async function sinkOver(backend: HeldWrites): Promise<PackSink> {
  const { repo } = await makeRepo({ backend });
  return new PackSink(repo, await repo.index(), () => undefined);
}

const blob = (n: number): { id: Buffer; sealed: Buffer } => ({ id: Buffer.alloc(32, n), sealed: Buffer.alloc(100 + n, n) });

test('add returns while its write is in flight; the next add waits for it; writes never overlap and land in order', { timeout: 20_000 }, async () => {
  const backend = new HeldWrites();
  const sink = await sinkOver(backend);
  const a = blob(1);
  assert.equal(await settled(sink.add(a.id, a.sealed, 1000)), true, 'the first add does not wait for its write');
  assert.equal(backend.held.length, 1);
  const b = blob(2);
  const second = sink.add(b.id, b.sealed, 1000);
  assert.equal(await settled(second), false, 'the second add waits for the first write');
  assert.equal(backend.held.length, 1, 'and has not started its own');
  backend.held[0]!.finish();
  assert.equal(await settled(second), true);
  assert.equal(backend.held.length, 2);
  assert.deepEqual([...backend.held.map((h) => h.data[0])], [1, 2], 'in the order added');
  backend.held[1]!.finish();
  const closing = sink.close();
  // The pack's own pieces (header, trailer) come after the blobs, one at a time.
  while (!(await settled(closing))) backend.held.at(-1)!.finish();
  await closing;
  assert.equal(backend.maxInFlight, 1);
});

test('a write that failed fails the next add, and its pack is never committed', { timeout: 20_000 }, async () => {
  const backend = new HeldWrites();
  const sink = await sinkOver(backend);
  const a = blob(1);
  await sink.add(a.id, a.sealed, 1000);
  backend.held[0]!.finish(Object.assign(new Error('EIO: injected'), { code: 'injected-fault' }));
  const b = blob(2);
  await assert.rejects(sink.add(b.id, b.sealed, 1000), { code: 'injected-fault' });
  await assert.rejects(sink.close(), { code: 'injected-fault' });
  await sink.settle();
  const objects: string[] = [];
  for await (const o of backend.list('')) objects.push(o.name);
  assert.ok(objects.length > 0, "the repository is listed");
  assert.deepEqual(objects.filter((name) => name.includes('/packs/')), [], `no pack among ${objects.join(', ')}`);
});
