import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseLsattr, changeAttrs } from './attrs.ts';

const read = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

test('parseLsattr reads the flag letters', () => {
  assert.deepEqual([...parseLsattr(read('lsattr-nocow-dir.txt'))], ['C']);
  assert.deepEqual([...parseLsattr(read('lsattr-compress-dir.txt'))], ['c']);
  assert.equal(parseLsattr(read('lsattr-plain-file.txt')).size, 0);
});

test('parseLsattr keeps working for paths with spaces or a leading dash', () => {
  assert.deepEqual([...parseLsattr('---------------C------ mnt/@/sub/nested vol\n')], ['C']);
  assert.deepEqual([...parseLsattr('--------c------------- mnt/-dash\n')], ['c']);
});

test('parseLsattr refuses an error line', () => {
  assert.throws(() => parseLsattr('lsattr: Operation not supported While reading flags on /proc'), { code: 'unexpected-output' });
});

test('changeAttrs refuses something that is not an attribute change', async () => {
  await assert.rejects(changeAttrs('/mnt/x', '-R'), { code: 'bad-attribute' });
  await assert.rejects(changeAttrs('/mnt/x', '+C -V'), { code: 'bad-attribute' });
});
