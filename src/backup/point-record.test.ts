import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetPoints, pointRecordPath, readPointRecord, recordPoint, withPoint, withoutPoints } from './point-record.ts';

const point = (id: string, repository = 'r1') => ({ id, repository, subvolume: '@home', snapshot: `@home.${id}`, time: '2026-11-24T02:00:00.000Z' });

test('withPoint appends once per repository; withoutPoints drops only this repository\'s ids', () => {
  let r = withPoint(null, 'nas', point('a'), 't1');
  r = withPoint(r, 'nas', point('b'), 't2');
  r = withPoint(r, 'nas', point('a'), 't3');
  r = withPoint(r, 'nas', point('a', 'r2'), 't4');
  assert.deepEqual(r.points.map((p) => `${p.repository}:${p.id}`), ['r1:b', 'r1:a', 'r2:a']);
  const pruned = withoutPoints(r, 'r1', new Set(['a']), 't5');
  assert.deepEqual(pruned.points.map((p) => `${p.repository}:${p.id}`), ['r1:b', 'r2:a']);
  assert.equal(pruned.updated, 't5');
});

test('record file: absent is null, appended atomically, forgotten by prune, damaged is an error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'panther-points-'));
  try {
    assert.equal(await readPointRecord(dir, 'nas'), null);
    await forgetPoints(dir, 'nas', 'r1', ['a'], 't0');
    assert.deepEqual(await readdir(dir), [], 'forgetting without a record writes none');
    await recordPoint(dir, 'nas', point('a'), 't1');
    await recordPoint(dir, 'nas', point('b'), 't2');
    assert.deepEqual((await readPointRecord(dir, 'nas'))!.points.map((p) => p.id), ['a', 'b']);
    await forgetPoints(dir, 'nas', 'r1', ['a'], 't3');
    assert.deepEqual((await readPointRecord(dir, 'nas'))!.points.map((p) => p.id), ['b']);
    assert.deepEqual(await readdir(dir), ['points-nas.json'], 'no temporary file left');
    await writeFile(pointRecordPath(dir, 'nas'), JSON.stringify({ format: 'panther-points', version: 1, host: 'other', updated: 't', points: [] }));
    await assert.rejects(readPointRecord(dir, 'nas'), { code: 'points-damaged' });
    await writeFile(pointRecordPath(dir, 'nas'), '[');
    await assert.rejects(readPointRecord(dir, 'nas'), { code: 'points-damaged' });
    assert.throws(() => pointRecordPath(dir, '../etc'), { code: 'bad-host' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
