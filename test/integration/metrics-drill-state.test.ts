// The collector's reading of the drill state file (drill/state.ts readDrill, which the collector uses): a drill recorded
// as running whose process is gone reads as interrupted (not passed), one whose process still runs
// leaves the last result standing, and a pid taken by another process (other start time) is not it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beginDrill, emptyDrillState, finishDrill, writeDrillState } from '../../src/drill/state.ts';
import { processStartTicks } from '../../src/core/process-start.ts';
import type { DrillResult } from '../../src/drill/types.ts';
import { gauges } from '../../src/metrics/collect/gauges.ts';
import { readDrill } from '../../src/drill/state.ts';

const NOW = '2026-12-03T12:00:00.000Z';
let dir = '';
before(async () => { dir = await mkdtemp(join(tmpdir(), 'panther-drill-metrics-')); });
after(async () => { if (dir !== '') await rm(dir, { recursive: true, force: true }); });

const passed: DrillResult = {
  level: 'integrity', startedAt: '2026-12-02T12:00:00Z', finishedAt: '2026-12-02T12:10:00Z', outcome: 'passed',
  repository: '/var/lib/panther/repo', download: { bytes: 1000, usd: 0, budgetUsd: null }, subvolumes: [], deferred: [],
};

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  const pid = child.pid!;
  await new Promise((done) => child.on('exit', done));
  return pid;
}

const passedGauge = async (host: string): Promise<number | undefined> =>
  gauges({ host, subvolumes: [], pools: [], costUsd: null, backup: null, snapshotSizes: null, drill: await readDrill(dir, host, NOW) }, NOW)
    .find((g) => g.name === 'pantheros.drill.passed' && g.tags['level'] === 'integrity')?.value;

test('a recorded drill whose process is gone reads as interrupted: not passed', async () => {
  const pid = await deadPid();
  await writeDrillState(dir, beginDrill(finishDrill(emptyDrillState('dead', NOW), passed), { level: 'integrity', pid, startTicks: null, since: '2026-12-03T11:00:00Z' }));
  const state = await readDrill(dir, 'dead', NOW);
  assert.equal(state.running, null);
  assert.equal(state.last.integrity?.outcome, 'interrupted');
  assert.equal(await passedGauge('dead'), 0);
});

test('a recorded drill still running leaves the last result; a reused pid (other start time) is not the drill', async () => {
  const ticks = await processStartTicks(process.pid);
  assert.ok(ticks !== null);
  await writeDrillState(dir, beginDrill(finishDrill(emptyDrillState('live', NOW), passed), { level: 'integrity', pid: process.pid, startTicks: ticks, since: '2026-12-03T11:00:00Z' }));
  assert.equal((await readDrill(dir, 'live', NOW)).running?.pid, process.pid);
  assert.equal(await passedGauge('live'), 1);
  await writeDrillState(dir, beginDrill(finishDrill(emptyDrillState('reused', NOW), passed), { level: 'integrity', pid: process.pid, startTicks: `${ticks}0`, since: '2026-12-03T11:00:00Z' }));
  assert.equal(await passedGauge('reused'), 0);
});

test('no drill state yet: no drill series at all', async () => {
  const state = await readDrill(dir, 'fresh', NOW);
  assert.deepEqual(state.last, {});
  assert.equal(await passedGauge('fresh'), undefined);
});
