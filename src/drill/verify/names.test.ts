import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeName, keyBytes, pathKey, showPath } from './names.ts';

test('a path key is lossless for any bytes', () => {
  const bytes = Buffer.from([0, 0x0a, 0x5c, 0x80, 0xff, 0x2f, 0x61]);
  assert.deepEqual(keyBytes(pathKey(bytes)), bytes);
});

test('shown names: UTF-8 as text, newline and quote escaped, other bytes as \\udcXX, the root as "."', () => {
  assert.equal(showPath(Buffer.from('ünï "q"\nx')), '"ünï \\"q\\"\\nx"');
  assert.equal(showPath(Buffer.from([0x62, 0xff, 0xfe, 0x61])), '"b\\udcff\\udcfea"');
  assert.equal(showPath(Buffer.alloc(0)), '"."');
});

test('decodeName: overlong forms, surrogates and truncated sequences are bytes, valid ones are text', () => {
  assert.equal(decodeName(Buffer.from([0xc0, 0x80])), '\udcc0\udc80');
  assert.equal(decodeName(Buffer.from([0xed, 0xa0, 0x80])), '\udced\udca0\udc80');
  assert.equal(decodeName(Buffer.from([0xe2, 0x82])), '\udce2\udc82');
  assert.equal(decodeName(Buffer.from([0xff, 0xe2, 0x82, 0xac])), '\udcff€');
  assert.equal(decodeName(Buffer.from([0xf0, 0x9f, 0x98, 0x80, 0x80])), '😀\udc80');
});
