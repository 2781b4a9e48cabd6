import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeProblem, recordLine } from './check.ts';

test('a problem names the object, the points it costs and what to do', () => {
  assert.equal(describeProblem({ severity: 'error', code: 'pack-missing', object: 'data/ab/abcd', message: 'gone', manifests: ['m1', 'm2'], hint: 'run repair' }),
    'ERROR pack-missing data/ab/abcd: gone\n  affects: m1, m2\n  hint: run repair');
  assert.equal(describeProblem({ severity: 'warning', code: 'unreferenced', object: 'x', message: 'unused', manifests: [] }), 'WARNING unreferenced x: unused');
});

test('the record line says whether vanished points could be noticed', () => {
  assert.match(recordLine({ path: '/s/points-h.json', state: 'absent', points: 0 }, 'r1'), /does not exist .*cannot be noticed/);
  assert.match(recordLine({ path: '/s/points-h.json', state: 'unreadable', points: 0, problem: 'bad JSON' }, 'r1'), /not compared: bad JSON/);
  assert.match(recordLine({ path: '/s/points-h.json', state: 'no-points-of-this-repository', points: 0 }, 'r1'), /holds no point of repository r1/);
  assert.match(recordLine({ path: '/s/points-h.json', state: 'compared', points: 3 }, 'r1'), /3 point\(s\) in \/s\/points-h.json compared/);
});
