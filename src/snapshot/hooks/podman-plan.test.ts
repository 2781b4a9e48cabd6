// Which containers get paused, decided from podman's JSON. The files in testdata/ are hand-written
// samples in the shape of podman 4.9 output (podman is not installed where these tests run).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isWithin, parseGraphRoot, parseInspect, parsePs, planPause } from './podman-plan.ts';

const sample = (name: string): string => readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8');
const ps = parsePs(sample('podman-ps.json'));
const inspect = parseInspect(sample('podman-inspect.json'));
const graphRoot = parseGraphRoot(sample('podman-info.json'));
const summary = (d: { name: string; pause: boolean }[]): string[] => d.map((x) => `${x.name}:${x.pause ? 'pause' : 'leave'}`);

describe('podman pause planning', () => {
  test('parses ps, inspect and info', () => {
    assert.deepEqual(ps.map((c) => [c.name, c.state, c.id.length]), [['db', 'running', 64], ['web', 'running', 64], ['cache', 'paused', 64]]);
    assert.deepEqual(inspect.map((c) => c.sources), [['/srv/containers/db/data'], ['/var/lib/containers/storage/volumes/webroot/_data'], ['/srv/containers/cache']]);
    assert.equal(graphRoot, '/var/lib/containers/storage');
  });

  test('bind mounts under the subvolume: only their running containers', () => {
    const plan = planPause({ subvolumePath: '/srv/containers', graphRoot, ps, inspect });
    assert.deepEqual(summary(plan), ['db:pause', 'web:leave', 'cache:leave']);
    assert.match(plan[0]!.reason, /mounts \/srv\/containers\/db\/data/);
    assert.match(plan[2]!.reason, /already paused by someone else/);
  });

  test('graphRoot on the subvolume: every running container', () => {
    const plan = planPause({ subvolumePath: '/var/lib/containers', graphRoot, ps, inspect });
    assert.deepEqual(summary(plan), ['db:pause', 'web:pause', 'cache:leave']);
    assert.match(plan[0]!.reason, /storage \(\/var\/lib\/containers\/storage\)/);
  });

  test('a named volume below graphRoot on its own subvolume', () => {
    const plan = planPause({ subvolumePath: '/var/lib/containers/storage/volumes', graphRoot, ps, inspect });
    assert.deepEqual(summary(plan), ['db:leave', 'web:pause', 'cache:leave']);
  });

  test('a subvolume nobody uses: nothing', () => {
    assert.deepEqual(summary(planPause({ subvolumePath: '/home', graphRoot, ps, inspect })), ['db:leave', 'web:leave', 'cache:leave']);
  });

  test('configured containers, by name or id prefix (once each); missing ones are not running', () => {
    const plan = planPause({ subvolumePath: '/x', graphRoot: null, ps, inspect: [], configured: ['web', 'c27e5a9d1f3b', 'gone', 'e81b3d5f7a9c0e2b'] });
    assert.deepEqual(summary(plan), ['web:pause', 'gone:leave', 'cache:leave']);
    assert.match(plan[1]!.reason, /not running/);
  });

  test('isWithin compares whole path components', () => {
    assert.equal(isWithin('/srv/containers/db', '/srv/containers'), true);
    assert.equal(isWithin('/srv/containers', '/srv/containers/'), true);
    assert.equal(isWithin('/srv/containers-old/db', '/srv/containers'), false);
    assert.equal(isWithin('/srv/containers/../other', '/srv/containers'), false);
    assert.equal(isWithin('/anything', '/'), true);
  });

  test('null and empty output mean no containers; garbage is an error', () => {
    assert.deepEqual(parsePs('null\n'), []);
    assert.deepEqual(parsePs(''), []);
    assert.deepEqual(parseInspect('[]'), []);
    assert.throws(() => parsePs('{"Id":1}'), { code: 'podman-bad-output' });
    assert.throws(() => parsePs('[{"Names":["x"]}]'), { code: 'podman-bad-output' });
    assert.throws(() => parseGraphRoot('Error: cannot connect'), { code: 'podman-bad-output' });
  });
});
