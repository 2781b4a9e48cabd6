import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSubvolumeShow, parseBtrfsTime } from './subvolume-show.ts';

const read = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

test('parseSubvolumeShow reads a read-only snapshot', () => {
  assert.deepEqual(parseSubvolumeShow(read('show-snap.txt')), {
    path: '@snap-ro',
    name: '@snap-ro',
    uuid: 'bdda72bf-f20f-b241-8617-2d1e85fba932',
    parentUuid: '942543b6-a81d-2442-b1ab-4e2ec23fdeed',
    receivedUuid: null,
    creationTime: '2026-11-24T06:31:46.000Z',
    id: 259,
    generation: 7,
    genAtCreation: 7,
    parentId: 5,
    topLevelId: 5,
    readonly: true,
    flags: ['readonly'],
    snapshots: [],
  });
});

test('parseSubvolumeShow lists snapshots of the source', () => {
  const info = parseSubvolumeShow(read('show-with-snapshots.txt'));
  assert.equal(info.readonly, false);
  assert.deepEqual(info.flags, []);
  assert.deepEqual(info.snapshots, ['@snap-ro']);
});

test('parseSubvolumeShow reads the top level and names with spaces', () => {
  const top = parseSubvolumeShow(read('show-top.txt'));
  assert.equal(top.path, '/');
  assert.equal(top.name, '<FS_TREE>');
  assert.equal(top.id, 5);
  assert.equal(top.parentId, 0);
  assert.equal(parseSubvolumeShow(read('show-spaces.txt')).name, 'nested vol');
});

test('parseSubvolumeShow refuses output without the fields it needs', () => {
  assert.throws(() => parseSubvolumeShow('@\n\tName: \t\t\t@\n'), { code: 'unexpected-output' });
});

test('parseBtrfsTime converts the zone offset', () => {
  assert.equal(parseBtrfsTime('2026-03-01 02:30:00 +0100'), '2026-03-01T01:30:00.000Z');
  assert.equal(parseBtrfsTime('-'), null);
});
