import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCounters } from './counters-state.ts';
import { event } from './events.ts';
import { recordRun } from './recorder.ts';
import type { OpenTransport } from './dogstatsd.ts';
import { History, historyPath } from '../history/store.ts';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'panther-recorder-'));
  try { await fn(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}
const failing: OpenTransport = async () => ({ send: (_t, _n, _v, _tags, done) => done(new Error('ECONNREFUSED')), close: () => undefined });
const fine: OpenTransport = async () => ({ send: (_t, _n, _v, _tags, done) => done(null), close: () => undefined });
const events = [event('pantheros.snapshot.created', 2, { host: 'h' }), event('pantheros.snapshot.failed', 1, { host: 'h' })];

test('what the agent did not take is counted as metrics.dropped in the file, beside the run\'s events', async () => withDir(async (dir) => {
  const r = await recordRun({ stateDir: dir, host: 'h', events, warn: () => assert.fail('no warning'), env: {}, open: failing });
  assert.deepEqual(r, { sent: 0, dropped: 2, recorded: true });
  const read = await readCounters(dir, 'h');
  assert.deepEqual(read.counters.map((c) => [c.name, c.value]), [['pantheros.metrics.dropped', 2], ['pantheros.snapshot.created', 2], ['pantheros.snapshot.failed', 1]]);
}));

test('sent events are not dropped; PANTHER_METRICS=off still keeps the counters file', async () => withDir(async (dir) => {
  assert.deepEqual(await recordRun({ stateDir: dir, host: 'h', events, warn: () => undefined, env: {}, open: fine }), { sent: 2, dropped: 0, recorded: true });
  assert.deepEqual(await recordRun({ stateDir: dir, host: 'h', events, warn: () => undefined, env: { PANTHER_METRICS: 'off' }, open: failing }), { sent: 0, dropped: 0, recorded: true });
  assert.deepEqual((await readCounters(dir, 'h')).counters.map((c) => [c.name, c.value]), [['pantheros.snapshot.created', 4], ['pantheros.snapshot.failed', 2]]);
}));

test('a broken agent address drops everything, counted; a state dir that cannot be written is one warning, never a throw', async () => withDir(async (dir) => {
  assert.deepEqual(await recordRun({ stateDir: dir, host: 'h', events, warn: () => undefined, env: { DD_DOGSTATSD_PORT: 'x' }, open: fine }), { sent: 0, dropped: 2, recorded: true });
  const file = join(dir, 'not-a-dir');
  await writeFile(file, '');
  const warnings: string[] = [];
  const r = await recordRun({ stateDir: join(file, 'state'), host: 'h', events, warn: (l) => warnings.push(l), env: {}, open: fine });
  assert.deepEqual(r, { sent: 2, dropped: 0, recorded: false });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^metrics: could not update the counters/);
}));

test('no events: nothing is sent and no file is created', async () => withDir(async (dir) => {
  const state = join(dir, 'state');
  assert.deepEqual(await recordRun({ stateDir: state, host: 'h', events: [], warn: () => undefined, env: {}, open: fine }), { sent: 0, dropped: 0, recorded: false });
  assert.deepEqual(await readCounters(state, 'h'), { counters: [], gauges: [], problem: null });
}));

test('a run\'s events go into the host\'s history too, for the dashboard', async () => withDir(async (dir) => {
  const at = new Date('2026-12-03T02:14:00Z');
  await recordRun({ stateDir: dir, host: 'h', events, warn: () => assert.fail('no warning'), env: {}, open: fine, now: () => at });
  const history = History.open(historyPath(dir, 'h'));
  try {
    assert.deepEqual(history.series('pantheros.snapshot.created', 0).map((p) => [p.time, p.value, p.tags]), [['2026-12-03T02:14:00.000Z', 2, { host: 'h' }]]);
  } finally {
    history.close();
  }
}));
