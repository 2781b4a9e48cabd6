import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { inOrder } from './in-order.ts';

async function* items(n: number, log?: { pulled: number }, failAt?: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) {
    if (i === failAt) throw new Error(`source failed at ${i}`);
    if (log !== undefined) log.pulled = i + 1;
    yield i;
  }
}

/** A step that finishes after a per-item delay, counting how many are started and not yet taken. */
function tracked(delays: number[], limit: number) {
  const state = { live: 0, maxLive: 0, started: 0 };
  const step = async (i: number): Promise<number> => {
    state.started += 1;
    state.live += 1;
    state.maxLive = Math.max(state.maxLive, state.live);
    assert.ok(state.live <= limit, `${state.live} items live with limit ${limit}`);
    await sleep(delays[i % delays.length]!);
    return i * 10;
  };
  return { state, step, taken: () => { state.live -= 1; } };
}

test('property: results come out in the items\' order whatever order the steps finish in, and at most `limit` are ever live', async () => {
  await fc.assert(fc.asyncProperty(
    fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 6 }), fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 12 }),
    fc.integer({ min: 0, max: 3 }),
    async (n, limit, delays, consumerDelay) => {
      const { state, step, taken } = tracked(delays, limit);
      const out: number[] = [];
      for await (const r of inOrder(items(n), step, limit)) {
        out.push(r);
        // A slow consumer: the slot of the result it holds stays taken until it asks for the next.
        await sleep(consumerDelay);
        taken();
      }
      assert.deepEqual(out, Array.from({ length: n }, (_, i) => i * 10));
      assert.ok(state.maxLive <= limit);
    }), { numRuns: 60 });
});

test('steps run ahead of a slow consumer, up to the limit and no further', async () => {
  const log = { pulled: 0 };
  let started = 0;
  const gen = inOrder(items(100, log), async (i) => { started += 1; return i; }, 4);
  assert.deepEqual(await gen.next(), { value: 0, done: false });
  await sleep(20);
  // The consumer holds item 0; items 1..3 are opened meanwhile, nothing beyond.
  assert.equal(started, 4);
  assert.equal(log.pulled, 4);
  await gen.return(undefined);
});

test('a step failing in the middle: every item before it is handed on, then its error, nothing after', async () => {
  const delays = [5, 0, 3, 1];
  const out: number[] = [];
  const gen = inOrder(items(20), async (i) => {
    await sleep(delays[i % 4]!);
    if (i === 7) throw new Error('blob 7 is damaged');
    return i;
  }, 4);
  await assert.rejects(async () => { for await (const r of gen) out.push(r); }, /blob 7 is damaged/);
  assert.deepEqual(out, [0, 1, 2, 3, 4, 5, 6]);
});

test('a failing source: the items before are handed on first, then its error', async () => {
  const out: number[] = [];
  await assert.rejects(async () => {
    for await (const r of inOrder(items(10, undefined, 6), async (i) => { await sleep(i % 2); return i; }, 3)) out.push(r);
  }, /source failed at 6/);
  assert.deepEqual(out, [0, 1, 2, 3, 4, 5]);
});

test('a consumer stopping early: the source is closed and steps failing later are no unhandled rejections', async () => {
  let closed = false;
  async function* source(): AsyncGenerator<number> {
    try { for (let i = 0; ; i++) yield i; } finally { closed = true; }
  }
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };
  process.on('unhandledRejection', onUnhandled);
  try {
    for await (const r of inOrder(source(), async (i) => { await sleep(5); if (i > 0) throw new Error(`late failure ${i}`); return i; }, 4)) {
      assert.equal(r, 0);
      break;
    }
    await sleep(30);
    assert.equal(closed, true);
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('no items: ends at once; a limit below 1 is refused', async () => {
  const out: number[] = [];
  for await (const r of inOrder(items(0), async (i) => i, 2)) out.push(r);
  assert.deepEqual(out, []);
  await assert.rejects(inOrder(items(1), async (i) => i, 0).next(), /limit must be at least 1/);
});

test('property: with a weight budget, results keep their order and the live weight stays within it, but for one item stepped beside the held one', async () => {
  await fc.assert(fc.asyncProperty(
    fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 0, maxLength: 30 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 25 }),
    fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 2 }),
    async (weights, limit, max, delays, consumerDelay) => {
      const live = new Map<number, number>();
      const step = async (i: number): Promise<number> => {
        // Results go out in order, so the one being handed on (held) is always the oldest live item.
        const others = Math.max(0, live.size - 1);
        live.set(i, weights[i]!);
        const total = [...live.values()].reduce((a, b) => a + b, 0);
        assert.ok(live.size <= limit, `${live.size} items live with limit ${limit}`);
        // Over the budget only when nothing else is being stepped (the held result aside).
        if (total > max) assert.equal(others, 0, `weight ${total} > ${max} with ${others} other item(s) in flight`);
        await sleep(delays[i % delays.length]!);
        return i;
      };
      async function* source(): AsyncGenerator<number> { for (let i = 0; i < weights.length; i++) yield i; }
      const out: number[] = [];
      for await (const r of inOrder(source(), step, { count: limit, weight: { of: (i) => weights[i]!, max } })) {
        out.push(r);
        await sleep(consumerDelay);
        live.delete(r);
      }
      assert.deepEqual(out, weights.map((_, i) => i));
    }), { numRuns: 80 });
});

test('a weight budget holds back the next item until enough is handed on; an item heavier than the budget goes alone', async () => {
  const weights = [4, 4, 4, 20, 1, 1];
  const started: number[] = [];
  async function* source(): AsyncGenerator<number> { for (let i = 0; i < weights.length; i++) yield i; }
  const gen = inOrder(source(), async (i) => { started.push(i); return i; }, { count: 10, weight: { of: (i) => weights[i]!, max: 10 } });
  assert.deepEqual(await gen.next(), { value: 0, done: false });
  await sleep(20);
  // Held 0 (4) + 1 (4) = 8; item 2 would make 12 > 10: it waits though the count allows ten.
  assert.deepEqual(started, [0, 1]);
  assert.deepEqual(await gen.next(), { value: 1, done: false });
  await sleep(20);
  assert.deepEqual(started, [0, 1, 2]);
  assert.deepEqual(await gen.next(), { value: 2, done: false });
  await sleep(20);
  // Item 3 (20) is over any budget: it starts only once nothing else is being stepped, beside the held 2.
  assert.deepEqual(started, [0, 1, 2, 3]);
  assert.deepEqual(await gen.next(), { value: 3, done: false });
  await sleep(20);
  assert.deepEqual(started, [0, 1, 2, 3, 4], 'nothing joins the heavy item while it is held and 4 is stepped');
  const rest: number[] = [];
  for (let r = await gen.next(); r.done !== true; r = await gen.next()) rest.push(r.value);
  assert.deepEqual(rest, [4, 5]);
});
