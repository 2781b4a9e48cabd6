import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSidecar } from './meta-schema.ts';

const good = {
  formatVersion: 1, name: '@home.20261124T020000Z', host: 'yoga', pool: 'primary', subvolume: '@home', time: '2026-11-24T02:00:00.000Z',
  origin: 'timeline', tiers: ['daily'], tags: [], description: null, creator: 'root@panther', pinned: true, holds: ['backup:parent'],
  hooks: [{ hook: 'postgres', phase: 'before', ok: true, degraded: false, durationMs: 12, message: 'CHECKPOINT' }], degraded: false,
  command: null, uuid: 'u-1', toolVersion: 'panther 0.1.0',
};
const expected = { name: '@home.20261124T020000Z', subvolume: '@home' };

test('a well-formed sidecar is read as it is', () => {
  const r = parseSidecar(JSON.stringify(good), expected);
  assert.ok('meta' in r);
  assert.equal(r.meta.pinned, true);
  assert.deepEqual(r.meta.holds, ['backup:parent']);
});

test('empty, truncated and mistyped sidecars are problems, never exceptions', () => {
  for (const text of ['{}', '', '{"formatVersion": 1, "name": "@ho', 'null', '[]', JSON.stringify({ ...good, pinned: 'yes' }), JSON.stringify({ ...good, holds: 7 }), JSON.stringify({ ...good, time: 'yesterday' })]) {
    const r = parseSidecar(text, expected);
    assert.ok('problem' in r, text);
  }
  const wrong = parseSidecar(JSON.stringify({ ...good, pinned: 'yes' }), expected);
  assert.match('problem' in wrong ? wrong.problem : '', /pinned/);
});

test('a sidecar describing another snapshot is not trusted', () => {
  const r = parseSidecar(JSON.stringify({ ...good, name: '@home.20200101T000000Z' }), expected);
  assert.match('problem' in r ? r.problem : '', /describes @home\.20200101T000000Z/);
});
