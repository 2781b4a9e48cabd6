import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { countersPath, readCounters, recordEvents } from './counters-state.ts';
import { event } from './events.ts';

const CHILD = resolve(import.meta.dirname, '../../test/support/metrics-increment-child.ts');
const NOW = '2026-12-01T02:00:00.000Z';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'panther-counters-'));
  try { await fn(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}

test('recorded events are read back as plain data; no file reads as no series', async () => withDir(async (dir) => {
  assert.deepEqual(await readCounters(dir, 'yoga'), { counters: [], gauges: [], problem: null });
  const state = join(dir, 'state');
  await recordEvents(state, 'yoga', [event('pantheros.snapshot.created', 2, { host: 'yoga' }), event('pantheros.backup.check', 1, { host: 'yoga' })], NOW, () => assert.fail('no warning'));
  await recordEvents(state, 'yoga', [event('pantheros.snapshot.created', 1, { host: 'yoga' })], NOW, () => assert.fail('no warning'));
  assert.deepEqual(await readCounters(state, 'yoga'), {
    counters: [{ name: 'pantheros.snapshot.created', tags: { host: 'yoga' }, value: 3 }],
    gauges: [{ name: 'pantheros.backup.check', tags: { host: 'yoga' }, value: 1, time: NOW }],
    problem: null,
  });
  assert.equal((await stat(state)).mode & 0o777, 0o700, 'a state dir it creates is private');
  assert.equal((await stat(countersPath(state, 'yoga'))).mode & 0o777, 0o644);
}));

test('a damaged file is kept aside, replaced with a warning, and the counters start again', async () => withDir(async (dir) => {
  const path = countersPath(dir, 'yoga');
  await writeFile(path, '{"formatVersion": 1, "host": "yoga", "counters": [');
  assert.match((await readCounters(dir, 'yoga')).problem!, /not JSON/);
  const warnings: string[] = [];
  await recordEvents(dir, 'yoga', [event('pantheros.snapshot.failed', 1, { host: 'yoga' })], NOW, (l) => warnings.push(l));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /damaged.*start again/);
  assert.equal(await readFile(`${path}.damaged`, 'utf8'), '{"formatVersion": 1, "host": "yoga", "counters": [');
  assert.deepEqual((await readCounters(dir, 'yoga')).counters, [{ name: 'pantheros.snapshot.failed', tags: { host: 'yoga' }, value: 1 }]);
}));

test('a host that cannot name a file, and a lock file planted as a symlink, are refused', async () => withDir(async (dir) => {
  await assert.rejects(recordEvents(dir, '../etc/x', [], NOW, () => undefined), /cannot name a metrics file/);
  assert.match((await readCounters(dir, '../x')).problem!, /cannot name/);
  await symlink(join(dir, 'elsewhere'), `${countersPath(dir, 'h')}.lock`);
  await assert.rejects(recordEvents(dir, 'h', [event('pantheros.snapshot.created', 1, { host: 'h' })], NOW, () => undefined), /ELOOP/);
}));

test('concurrent runs lose no increment: 8 processes × 12 increments = 96', { timeout: 120_000 }, async () => withDir(async (dir) => {
  const N = 8;
  const TIMES = 12;
  const codes = await Promise.all(Array.from({ length: N }, () => new Promise<{ code: number | null; err: string }>((done) => {
    const child = spawn(process.execPath, [CHILD, dir, 'race', String(TIMES)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('close', (code) => done({ code, err }));
  })));
  for (const c of codes) assert.equal(c.code, 0, c.err);
  const read = await readCounters(dir, 'race');
  assert.equal(read.problem, null);
  assert.deepEqual(read.counters, [{ name: 'pantheros.snapshot.created', tags: { host: 'race' }, value: N * TIMES }]);
  assert.equal(read.gauges.length, 1, 'one gauge series, the last writer\'s value');
}));
