import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newestPoints } from './pick.ts';

test('the newest point per subvolume, by snapshot time', () => {
  const p = (id: string, subvolume: string, time: string) => ({ id, subvolume, snapshotUuid: id, snapshotName: `${subvolume}.${id}`, time, parent: null });
  const newest = newestPoints([p('a', '@home', '2026-01-01T00:00:00Z'), p('b', '@home', '2026-02-01T00:00:00Z'), p('c', '@db', '2026-01-15T00:00:00Z'), p('d', '@home', '2026-01-20T00:00:00Z')]);
  assert.deepEqual(newest.map((n) => [n.subvolume, n.point.id]), [['@db', 'c'], ['@home', 'b']]);
});
