import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileAppender } from './appender.ts';
import { RELEASE_MIN_BYTES } from '../../core/release.ts';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'panther-appender-'));
  try { await fn(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}

/** A piece on an ArrayBuffer of its own, large enough to be freed (core/release.ts), freeing visible as byteLength 0. */
function piece(text: string, length = RELEASE_MIN_BYTES): Uint8Array {
  return new Uint8Array(length).fill(text.charCodeAt(0));
}

test('pieces handed over without waiting land in order, are counted, and are freed once written', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'f');
    let opened = 0;
    const file = new FileAppender(() => { opened += 1; return open(path, 'wx'); });
    // Largest first: pieces written side by side would land out of order (or over each other).
    const letters = ['a', 'b', 'c', 'd'];
    const sizes = [64 * RELEASE_MIN_BYTES, 16 * RELEASE_MIN_BYTES, RELEASE_MIN_BYTES, RELEASE_MIN_BYTES];
    const pieces = letters.map((l, i) => piece(l, sizes[i]));
    // Not awaited one by one: a later write must still wait for the earlier ones.
    const writes = pieces.map((p) => file.append(p));
    await Promise.all(writes);
    assert.equal(file.size, 82 * RELEASE_MIN_BYTES);
    assert.ok(pieces.every((p) => p.byteLength === 0), 'each piece freed once on disk');
    await file.close();
    assert.equal(await readFile(path, 'latin1'), letters.map((l, i) => l.repeat(sizes[i]!)).join(''));
    assert.equal(opened, 1, 'opened once, with the first piece');
  });
});

test('a slow write holds back the pieces handed over after it', async () => {
  const landed: string[] = [];
  let first = true;
  // A file whose first write takes a while: written side by side, the later pieces would land first.
  const slow = {
    write: async (data: Uint8Array, offset: number, length: number) => {
      if (first) { first = false; await new Promise((resolve) => setTimeout(resolve, 30)); }
      landed.push(String.fromCharCode(data[offset]!));
      return { bytesWritten: length, buffer: data };
    },
    close: async () => undefined,
  } as unknown as FileHandle;
  const file = new FileAppender(async () => slow);
  await Promise.all(['a', 'b', 'c'].map((l) => file.append(piece(l))));
  assert.deepEqual(landed, ['a', 'b', 'c']);
  await file.close();
});

test('a piece that did not land fails its write and every complete() after it, with the mapped error', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'f');
    await writeFile(path, '');
    // Read-only: every write fails (EBADF).
    const file = new FileAppender(() => open(path, 'r'), (error) => Object.assign(new Error(`mapped ${error.code}`), { code: 'mapped' }));
    await assert.rejects(file.append(piece('x')), { code: 'mapped' });
    await assert.rejects(file.complete(), { code: 'mapped' }, 'the file lacks a piece: never complete');
    await assert.rejects(file.complete(), { code: 'mapped' }, 'and stays so');
    assert.equal(file.size, 0);
    await file.close();
  });
});

test('complete() opens a file nothing was appended to; close() without a file opens none', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'empty');
    const empty = new FileAppender(() => open(path, 'wx'));
    const handle: FileHandle = await empty.complete();
    assert.equal((await handle.stat()).size, 0);
    await empty.close();

    let opened = 0;
    const unused = new FileAppender(() => { opened += 1; return open(join(dir, 'never'), 'wx'); });
    await unused.close();
    assert.equal(opened, 0);
  });
});

test('close() waits for the pieces in flight before closing the file', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'f');
    const file = new FileAppender(() => open(path, 'wx'));
    const big = new Uint8Array(8 * 1024 * 1024).fill(7);
    let landed = false;
    const written = file.append(big).then(() => { landed = true; });
    await file.close();
    assert.ok(landed, 'the write finished before close() returned');
    await written;
    assert.equal((await readFile(path)).length, 8 * 1024 * 1024);
  });
});
