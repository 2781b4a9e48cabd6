import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, truncate, writeFile, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findInImage } from './image-scan.ts';

test('findInImage: the offset in a sparse image, across a chunk boundary too; null when absent or past the limit', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'image-scan-'));
  try {
    const image = join(dir, 'disk.img');
    await writeFile(image, '');
    await truncate(image, 64 * 1024 * 1024);
    const needle = Buffer.from('PANTHER-MARKER-xyz');
    const at = 16 * 1024 * 1024 - 5;
    const f = await open(image, 'r+');
    await f.write(needle, 0, needle.length, at);
    await f.close();
    assert.equal(await findInImage(image, needle, 64 * 1024 * 1024), at);
    assert.equal(await findInImage(image, Buffer.from('nowhere'), 64 * 1024 * 1024), null);
    assert.equal(await findInImage(image, needle, 8 * 1024 * 1024), null);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
