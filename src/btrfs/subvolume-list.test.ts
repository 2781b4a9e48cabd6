import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSubvolumeList } from './subvolume-list.ts';

const read = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

test('parseSubvolumeList reads ids, uuids and paths with spaces', () => {
  const list = parseSubvolumeList(read('list-puqR.txt'));
  assert.equal(list.length, 5);
  assert.deepEqual(list[0], {
    id: 256, generation: 7, parentId: 5, topLevelId: 5,
    uuid: '942543b6-a81d-2442-b1ab-4e2ec23fdeed', parentUuid: null, receivedUuid: null, path: '@',
  });
  const nested = list.find((e) => e.id === 258);
  assert.equal(nested?.path, '@/sub/nested vol');
  assert.equal(nested?.parentId, 256);
  const snap = list.find((e) => e.path === '@snap-ro');
  assert.equal(snap?.parentUuid, list[0]?.uuid);
});

test('parseSubvolumeList strips the <FS_TREE>/ prefix that -a adds', () => {
  const line = 'ID 258 gen 7 parent 256 top level 256 parent_uuid -                                    received_uuid -                                    uuid 6ebe8b16-1ae9-d94c-b6d9-e2f5a68a75f5 path <FS_TREE>/@/sub/nested vol';
  assert.equal(parseSubvolumeList(line)[0]?.path, '@/sub/nested vol');
});

test('parseSubvolumeList: an empty filesystem lists nothing', () => {
  assert.deepEqual(parseSubvolumeList(read('list-empty.txt')), []);
});

test('parseSubvolumeList refuses a format it does not know', () => {
  assert.throws(() => parseSubvolumeList('ID 258 gen 7 top level 256 path @/sub/nested vol'), { code: 'unexpected-output' });
});
