import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareLinkGroups } from './link-groups.ts';

test('the same groups in any order: nothing', () => {
  assert.deepEqual(compareLinkGroups([['b', 'a'], ['x', 'y', 'z']], [['z', 'y', 'x'], ['a', 'b']]), []);
});

test('groups of one say nothing (their other links are outside the tree) and are ignored', () => {
  assert.deepEqual(compareLinkGroups([['a']], []), []);
  assert.deepEqual(compareLinkGroups([], [['a']]), []);
});

test('a broken pair is one finding, named by the source group', () => {
  assert.deepEqual(compareLinkGroups([['a', 'b']], []), [{ kind: 'not-linked', paths: ['a', 'b'] }]);
});

test('a group split in two, or grown, or shrunk, is one finding (the copy groups it explains are not repeated)', () => {
  assert.deepEqual(compareLinkGroups([['a', 'b', 'c', 'd']], [['a', 'b'], ['c', 'd']]), [{ kind: 'not-linked', paths: ['a', 'b', 'c', 'd'] }]);
  assert.deepEqual(compareLinkGroups([['a', 'b']], [['a', 'b', 'c']]), [{ kind: 'not-linked', paths: ['a', 'b'] }]);
  assert.deepEqual(compareLinkGroups([['a', 'b', 'c']], [['a', 'b']]), [{ kind: 'not-linked', paths: ['a', 'b', 'c'] }]);
});

test('two source groups merged into one inode: both are not linked as such', () => {
  assert.deepEqual(compareLinkGroups([['a', 'b'], ['c', 'd']], [['a', 'b', 'c', 'd']]).map((f) => f.paths), [['a', 'b'], ['c', 'd']]);
});

test('files linked only in the copy are unexpected', () => {
  assert.deepEqual(compareLinkGroups([['a', 'b']], [['b', 'a'], ['x', 'y']]), [{ kind: 'unexpected', paths: ['x', 'y'] }]);
});

test('keys are byte strings: sorted by bytes, newlines and high bytes are just bytes', () => {
  const odd = ['n\new', '\xff\xfe', 'a'];
  assert.deepEqual(compareLinkGroups([odd], [[...odd].reverse()]), []);
  assert.deepEqual(compareLinkGroups([odd], []), [{ kind: 'not-linked', paths: ['a', 'n\new', '\xff\xfe'] }]);
});
