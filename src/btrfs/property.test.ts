import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parsePropertyGet, setCompression } from './property.ts';

const read = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

test('parsePropertyGet reads one and several properties', () => {
  assert.deepEqual(parsePropertyGet(read('prop-compression.txt')), { compression: 'zstd' });
  assert.deepEqual(parsePropertyGet(read('prop-ro.txt')), { ro: 'true' });
  assert.deepEqual(parsePropertyGet(read('prop-all.txt')), { ro: 'false', compression: 'zstd' });
});

test('parsePropertyGet: an unset property prints nothing', () => {
  assert.deepEqual(parsePropertyGet(''), {});
});

test('setCompression refuses unknown algorithms before running anything', async () => {
  await assert.rejects(setCompression('/mnt/x', 'zstd:3' as never), { code: 'bad-property' });
});
