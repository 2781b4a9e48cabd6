import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAtMost } from './read-at-most.ts';

/** An endless stream of 1 KiB chunks that counts how many were pulled. */
function endless(): { stream: ReadableStream<Uint8Array>; pulled: () => number; cancelled: () => boolean } {
  let pulled = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) { pulled += 1; c.enqueue(new Uint8Array(1024).fill(pulled % 256)); },
    cancel() { cancelled = true; },
  }, { highWaterMark: 0 });
  return { stream, pulled: () => pulled, cancelled: () => cancelled };
}

test('the bytes of a stream within the limit, in order; none for no stream', async () => {
  const parts = [Buffer.from('ab'), Buffer.from('cd'), Buffer.from('e')];
  const stream = new ReadableStream<Uint8Array>({ start(c) { for (const p of parts) c.enqueue(p); c.close(); } });
  assert.equal(Buffer.from((await readAtMost(stream, 5))!).toString(), 'abcde');
  assert.equal((await readAtMost(null, 5))!.byteLength, 0);
});

test('past the limit: null, the stream cancelled, and no more read than the limit and one chunk', async () => {
  const s = endless();
  assert.equal(await readAtMost(s.stream, 10 * 1024), null);
  assert.equal(s.cancelled(), true);
  assert.ok(s.pulled() <= 12, `pulled ${s.pulled()} chunks`);
});
