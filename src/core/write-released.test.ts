import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeReleased } from './write-released.ts';

const MIB = 1024 * 1024;

/** A slow writable that copies what it is given, so emptied chunks would show as missing bytes. */
function sink(delayMs = 1) {
  const got: Buffer[] = [];
  let pending = 0;
  let maxPending = 0;
  const out = new Writable({
    highWaterMark: 16 * 1024 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      pending += 1;
      maxPending = Math.max(maxPending, pending);
      setTimeout(() => { got.push(Buffer.from(chunk)); pending -= 1; callback(); }, delayMs);
    },
  });
  return { out, got, maxPending: () => maxPending };
}

test('writes every chunk in order, one in the stream at a time, and frees each once written', async () => {
  const chunks = [Buffer.alloc(MIB, 1), Buffer.alloc(2 * MIB, 2), Buffer.alloc(MIB, 3)];
  const expected = Buffer.concat(chunks);
  const { out, got, maxPending } = sink();
  await writeReleased((async function* () { yield* chunks; })(), out);
  assert.deepEqual(Buffer.concat(got), expected);
  assert.equal(maxPending(), 1);
  for (const c of chunks) assert.equal(c.length, 0, 'released after its write');
  assert.equal(out.writableEnded, false, 'the stream is left open (stdout)');
});

test('the next chunk is pulled from the source while the previous one is being written', async () => {
  const events: string[] = [];
  const out = new Writable({
    highWaterMark: 16 * 1024 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      events.push(`write ${chunk[0]}`);
      setTimeout(() => { events.push(`written ${chunk[0]}`); callback(); }, 5);
    },
  });
  await writeReleased((async function* () {
    for (let i = 1; i <= 3; i++) { events.push(`pull ${i}`); yield Buffer.alloc(MIB, i); }
  })(), out);
  assert.deepEqual(events, ['pull 1', 'write 1', 'pull 2', 'written 1', 'write 2', 'pull 3', 'written 2', 'write 3', 'written 3']);
});

test('the source\'s error rejects and stops the writes; the stream\'s error rejects and closes the source', async () => {
  const { out, got } = sink();
  await assert.rejects(writeReleased((async function* () { yield Buffer.alloc(MIB, 1); throw new Error('damaged blob'); })(), out), /damaged blob/);
  await sleep(10);
  assert.equal(got.length, 1, 'only the chunk before the error was written');

  let closed = false;
  const broken = new Writable({ write(_c, _e, callback) { callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })); } });
  await assert.rejects(writeReleased((async function* () {
    try { for (;;) { yield Buffer.alloc(MIB); await sleep(1); } } finally { closed = true; }
  })(), broken), /EPIPE/);
  assert.ok(closed, 'the source generator was closed');
});

test('an error the stream emits between writes rejects at the next chunk instead of crashing the process', async () => {
  const { out } = sink();
  await assert.rejects(writeReleased((async function* () {
    yield Buffer.alloc(10);
    out.emit('error', new Error('reader went away'));
    yield Buffer.alloc(10);
  })(), out), /reader went away/);
});
