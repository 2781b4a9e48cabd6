// A data directory given to a drill stays below the restored root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataPath } from './context.ts';

test('dataPath joins plain relative paths and refuses the rest', () => {
  assert.equal(dataPath('/scratch/r', '.'), '/scratch/r');
  assert.equal(dataPath('/scratch/r', 'postgresql/15/main'), '/scratch/r/postgresql/15/main');
  assert.equal(dataPath('/scratch/r', 'we"ird \'name\'\nx'), '/scratch/r/we"ird \'name\'\nx');
  for (const bad of ['', '/etc', '../live', 'a/../../b', 'a//b', './a', 'a/']) {
    assert.throws(() => dataPath('/scratch/r', bad), (e: { code: string }) => e.code === 'drill-bad-data-dir', JSON.stringify(bad));
  }
});
