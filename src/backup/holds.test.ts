import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holdRepairs, PARENT_HOLD, UPLOAD_HOLD } from './holds.ts';

const snap = (name: string, uuid: string | null, ...holds: string[]) => ({ name, uuid, holds });

test('a clean state needs no repair', () => {
  const r = holdRepairs([snap('a', 'u1'), snap('b', 'u2', PARENT_HOLD), snap('c', 'u3')], new Set(['u1', 'u2']));
  assert.deepEqual(r, { clearUpload: [], parent: null });
});

test('a run killed mid-upload: its upload holds are cleared, the parent hold stays on the newest backed-up snapshot', () => {
  const r = holdRepairs([snap('a', 'u1', PARENT_HOLD, UPLOAD_HOLD), snap('b', 'u2', UPLOAD_HOLD), snap('c', 'u3', 'pinned-by-user')], new Set(['u1']));
  assert.deepEqual(r, { clearUpload: ['a', 'b'], parent: null });
});

test('a point stored but the holds never moved: the parent hold goes to the newest snapshot with a point', () => {
  const r = holdRepairs([snap('a', 'u1', PARENT_HOLD, UPLOAD_HOLD), snap('b', 'u2', UPLOAD_HOLD), snap('c', 'u3')], new Set(['u1', 'u2']));
  assert.deepEqual(r, { clearUpload: ['a', 'b'], parent: 'b' });
});

test('nothing backed up yet, or snapshots without uuid: no parent hold', () => {
  assert.deepEqual(holdRepairs([snap('a', null), snap('b', 'u2')], new Set(['u9'])), { clearUpload: [], parent: null });
  assert.deepEqual(holdRepairs([], new Set()), { clearUpload: [], parent: null });
});
