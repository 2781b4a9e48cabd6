import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zstdDecompressSync } from 'node:zlib';
import { withZstdFrame } from './zstd-frames.ts';
import { compressible, pseudoRandom } from '../testing/pseudo-random.ts';

const join = (parts: readonly Buffer[]): Buffer => Buffer.concat(parts);

test('each call is one zstd frame that decompresses alone, whatever came before it on the same stream', async () => {
  const inputs = [
    Buffer.alloc(0), Buffer.from('x'), compressible(1_000_000, 'a'), pseudoRandom(700_000, 'b'),
    compressible(3 * 1024 * 1024 + 5, 'c'), Buffer.alloc(600_000, 7), pseudoRandom(1, 'd'),
  ];
  const frames: Buffer[] = [];
  // One after another: the pool hands the same stream back each time.
  for (const input of inputs) frames.push(await withZstdFrame(input, 3, (parts, length) => {
    assert.equal(length, parts.reduce((n, p) => n + p.length, 0));
    return join(parts);
  }));
  frames.forEach((frame, i) => {
    assert.deepEqual(zstdDecompressSync(frame), inputs[i], `frame ${i} alone`);
    assert.equal(frame.readUInt32LE(0), 0xfd2fb528, `frame ${i} starts with zstd's magic`);
  });
  assert.ok(frames[2]!.length < 1_000_000 / 2, 'compressible data is compressed');
});

test('frames made at once, at different levels, do not mix', async () => {
  const inputs = Array.from({ length: 9 }, (_, i) => compressible(200_000 + i * 50_000, `p${i}`));
  const frames = await Promise.all(inputs.map((input, i) => withZstdFrame(input, 1 + (i % 3) * 4, (parts) => join(parts))));
  frames.forEach((frame, i) => assert.deepEqual(zstdDecompressSync(frame), inputs[i], `frame ${i}`));
});

test('an error in the caller\'s use of the frame reaches the caller, and the next frame is fine', async () => {
  await assert.rejects(withZstdFrame(Buffer.from('boom'), 3, () => { throw new Error('use failed'); }), /use failed/);
  const input = compressible(100_000, 'after');
  assert.deepEqual(zstdDecompressSync(await withZstdFrame(input, 3, (parts) => join(parts))), input);
});

test('zlib\'s output buffers are freed once a frame is sealed and zlib has moved past them, never the one it fills', async () => {
  // Incompressible frames of ~3.5 slices each: zlib fills and leaves buffers inside and across frames.
  const inputs = Array.from({ length: 6 }, (_, i) => pseudoRandom(900_000 + i * 1000, `r${i}`));
  const seen: Array<{ parts: Buffer[]; buffers: ArrayBuffer[] }> = [];
  const frames: Buffer[] = [];
  for (const input of inputs) {
    frames.push(await withZstdFrame(input, 19, (parts) => {
      seen.push({ parts: [...parts], buffers: [...new Set(parts.map((p) => p.buffer as ArrayBuffer))] });
      return join(parts);
    }));
  }
  frames.forEach((frame, i) => assert.deepEqual(zstdDecompressSync(frame), inputs[i], `frame ${i}`));
  const all = [...new Set(seen.flatMap((s) => s.buffers))];
  const filling = seen.at(-1)!.parts.at(-1)!.buffer;
  assert.ok(all.length > inputs.length * 3, `${all.length} output buffers`);
  for (const buffer of all) {
    if (buffer === filling) assert.equal(buffer.detached, false, 'the buffer zlib fills now is kept');
    else assert.equal(buffer.detached, true, 'a buffer zlib has left is freed');
  }
});
