// Names and paths are hostile input: every unsafe one is an invalid-name error, shown quoted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintPlan } from './index.ts';
import { mountPointProblem, nameProblem } from './names.ts';
import { matching, plan, SPEC_HOST_NAMES } from '../../../test/support/lint.ts';

/** How a subject shows a name: as is when plain printable ASCII, else JSON-quoted. */
const display = (name: string): string => (/^[!-~]+$/.test(name) ? name : JSON.stringify(name));

const HOSTILE_NAMES = ['../etc', '-rf', 'a,b', '@home\nrm -rf /', '@a/../b', '/@abs', '@x/', 'a b', '.hidden', '', '@\u001b[31m', 'x'.repeat(256)];

test('hostile subvolume names are invalid-name errors with a safely shown subject', () => {
  for (const name of HOSTILE_NAMES) {
    const p = plan('hetzner');
    const primary = p.pools[0]!;
    const victim = primary.subvolumes.find((s) => s.name === '@ai-tools')!;
    victim.name = name;
    const findings = lintPlan(p);
    const subject = `${primary.name}/${display(name)}`;
    const hits = matching(findings, 'invalid-name', subject);
    assert.equal(hits.length, 1, `${JSON.stringify(name)}: ${findings.map((f) => `${f.id} [${f.subject}]`).join(', ')}`);
    assert.equal(hits[0]!.severity, 'error');
    // Nothing a name contains can break a line of output or start an escape sequence.
    for (const f of findings) assert.doesNotMatch(`${f.subject} ${f.message} ${f.fix}`, /[\n\r\u001b]/, JSON.stringify(name));
  }
});

test('hostile mount points are invalid-name errors', () => {
  const bad = ['/var/lib/a,b', '/home/../etc', 'relative/path', '/a b', '/a\nb', '/a//b', '/a/', '/./a', '/a/"b"', '/a/$(id)'];
  for (const mountPoint of bad) {
    const p = plan('ovh', { overrides: { subvolumes: { '@ai-tools': { mountPoint } } } });
    const hits = matching(lintPlan(p), 'invalid-name', `${p.pools[0]!.name}/@ai-tools`);
    assert.equal(hits.length, 1, JSON.stringify(mountPoint));
    assert.equal(hits[0]!.severity, 'error');
    assert.match(hits[0]!.message, /^mount point /);
  }
});

test('hostile pool names and swapfile paths are invalid-name errors', () => {
  const p = plan('ovh');
  p.pools[0]!.name = 'primary;reboot';
  assert.equal(matching(lintPlan(p), 'invalid-name', `pool ${p.pools[0]!.name}`).length, 1);
  const s = plan('ovh');
  const swap = s.pools[0]!.subvolumes.find((x) => x.swapfile !== null)!;
  swap.swapfile = { path: '../../etc/shadow', sizeBytes: swap.swapfile!.sizeBytes };
  const hit = matching(lintPlan(s), 'invalid-name', `${s.pools[0]!.name}/${swap.name}`);
  assert.equal(hit.length, 1);
  assert.match(hit[0]!.message, /^swapfile path/);
});

test('the names and mount points of the spec layouts are all accepted', () => {
  for (const host of SPEC_HOST_NAMES) assert.deepEqual(matching(lintPlan(plan(host)), 'invalid-name'), [], host);
  for (const name of ['@', '@home', '@dev-projects', '@var-cache', 'data/pg_16', '@a.b+c']) assert.equal(nameProblem(name), null, name);
  for (const path of ['/', '/home/hbohlen/.cache', '/.snapshots-secondary', '/var/lib/postgresql', '/opt/ai-tools']) assert.equal(mountPointProblem(path), null, path);
  assert.match(nameProblem('-rf') ?? '', /starts with "-"/);
  assert.match(mountPointProblem('/a,b') ?? '', /split a mount option list/);
});
