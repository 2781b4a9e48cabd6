// GET /api/v1/history over real HTTP (127.0.0.1, a free port) against a real history file: before
// any history exists (empty plots, no state directory made), then with known samples written through
// the history store (several days of two pools, two nights of backups, a failed backup, two months of
// cost) whose numbers the answer must give back; bad `days` are 400, no token 401. The history needs
// no btrfs: the plan is yoga's, computed, not provisioned.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { specPlan } from '../support/plans.ts';
import { startServe, type RunningServer } from '../../src/serve/server.ts';
import type { ServeContext } from '../../src/serve/route.ts';
import { History, historyPath, type Sample } from '../../src/history/store.ts';
import * as schemas from '../../src/serve/schemas.ts';

const READ = 'r'.repeat(20) + '-read-token';
const ADMIN = 'a'.repeat(20) + '-admin-token';
const NOW = '2026-09-10T12:00:00.000Z';
const s = (iso: string): number => Date.parse(iso) / 1000;

describe('panther serve: GET /api/v1/history over HTTP', () => {
  const plan = specPlan('yoga');
  let dir: string;
  let stateDir: string;
  let server: RunningServer;
  const logged: string[] = [];

  async function get(path: string, token: string | null = READ): Promise<{ status: number; text: string; json: () => any }> {
    const res = await fetch(`${server.url}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) };
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'panther-serve-history-'));
    stateDir = join(dir, 'state');
    const ctx: ServeContext = {
      plan, root: join(dir, 'root'), stateDir, lockPath: join(dir, 'host.lock'), now: () => NOW, log: (l) => { logged.push(l); },
      metrics: async () => ({ contentType: 'text/plain', text: '' }),
      doctor: async () => { throw new Error('not used by the history'); },
      fleet: async () => ({ checkedAt: NOW, hosts: [] }), signal: new AbortController().signal,
    };
    server = await startServe({ ctx, listen: { host: '127.0.0.1', port: 0, loopback: true }, tokens: { read: READ, admin: ADMIN } });
  });
  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('no history yet: empty plots and the failure days with zeros; no state directory is made to read', async () => {
    const a = await get('/api/v1/history?days=7');
    assert.equal(a.status, 200, a.text);
    const body = a.json();
    assert.ok(schemas.historyBody.safeParse(body).success, a.text);
    assert.equal(body.host, 'yoga');
    assert.equal(body.now, NOW);
    assert.equal(body.since, '2026-09-03T12:00:00.000Z');
    assert.deepEqual(body.plots.poolUsage, { unit: 'percent', x: [], series: [] });
    assert.deepEqual(body.plots.backupSize.x, []);
    assert.equal(body.plots.failures.x.length, 8);
    assert.ok(body.plots.failures.series.every((x: { values: number[] }) => x.values.every((v) => v === 0)));
    assert.equal(existsSync(stateDir), false, 'reading made the state directory');
  });

  test('known samples come back: pools per hour, backups per night, cost per month against the budget, failures per day', async () => {
    const samples: Sample[] = [];
    const add = (name: string, time: string, value: number, tags: Record<string, string> = {}): void => { samples.push({ name, time, value, tags: { host: 'yoga', ...tags } }); };
    for (let day = 0; day < 4; day += 1) {
      const at = `2026-09-0${6 + day}T10:`;
      add('pantheros.disk.usage', `${at}00:00.000Z`, 10 + day, { device: '/dev/sda' });
      add('pantheros.disk.usage', `${at}30:00.000Z`, 20 + day, { device: '/dev/sda' }); // same hour: the later one counts
      add('pantheros.disk.usage', `${at}05:00.000Z`, 50 + day, { device: '/dev/nvme0n1' });
    }
    add('pantheros.disk.usage', '2026-06-01T10:00:00.000Z', 1, { device: '/dev/sda' }); // out of a 7-day range
    // Night of the 7th: one run ending 02:00 on the 8th. Night of the 8th: b2 ending 03:00, local ending 04:00, and a failure.
    add('pantheros.backup.size', '2026-09-08T02:00:00.000Z', 1000, { target: 'b2' });
    add('pantheros.backup.duration', '2026-09-08T02:00:00.000Z', 3600);
    add('pantheros.backup.size', '2026-09-09T03:00:00.000Z', 2000, { target: 'b2' });
    add('pantheros.backup.duration', '2026-09-09T03:00:00.000Z', 1800);
    add('pantheros.backup.size', '2026-09-09T04:00:00.000Z', 500, { target: 'local' });
    add('pantheros.backup.duration', '2026-09-09T04:00:00.000Z', 600);
    add('pantheros.backup.failed', '2026-09-09T04:00:00.000Z', 1);
    add('pantheros.backup.b2.cost', '2026-08-15T00:00:00.000Z', 1);
    add('pantheros.backup.b2.cost', '2026-08-31T23:00:00.000Z', 2.5);
    add('pantheros.backup.b2.cost', '2026-09-05T00:00:00.000Z', 0.75);
    const history = History.open(historyPath(stateDir, 'yoga'));
    try {
      history.append(samples, new Date(NOW));
    } finally {
      history.close();
    }

    const week = await get('/api/v1/history?days=7&_=1733220000000'); // an unknown key (a cache buster) is ignored
    assert.equal(week.status, 200, week.text);
    const p = week.json().plots;
    const hours = [6, 7, 8, 9].map((d) => s(`2026-09-0${d}T10:00:00Z`));
    assert.equal(p.poolUsage.x[0], hours[0]);
    assert.equal(p.poolUsage.x.at(-1), hours[3]);
    assert.equal(p.poolUsage.x.length, 3 * 24 + 1, 'every hour between the first and last sample');
    const at = (plot: { x: number[]; series: Array<{ label: string; values: Array<number | null> }> }, label: string, x: number): number | null => plot.series.find((y) => y.label === label)!.values[plot.x.indexOf(x)]!;
    assert.deepEqual(hours.map((h) => at(p.poolUsage, '/dev/sda', h)), [20, 21, 22, 23]);
    assert.deepEqual(hours.map((h) => at(p.poolUsage, '/dev/nvme0n1', h)), [50, 51, 52, 53]);
    assert.equal(at(p.poolUsage, '/dev/sda', hours[0]! + 3600), null, 'no sample in that hour');

    assert.deepEqual(p.backupSize.x, [s('2026-09-07T00:00:00Z'), s('2026-09-08T00:00:00Z')]);
    assert.deepEqual(p.backupSize.series, [{ label: 'b2', values: [1000, 2000] }, { label: 'local', values: [null, 500] }]);
    assert.deepEqual(p.backupDuration, { unit: 'seconds', x: p.backupSize.x, series: [{ label: 'duration', values: [3600, 2400] }] });

    const days = p.failures.x as number[];
    assert.equal(days.length, 8);
    assert.deepEqual(p.failures.series.find((x: { label: string }) => x.label === 'backup').values, days.map((d) => (d === s('2026-09-09T00:00:00Z') ? 1 : 0)));

    // 7 days reach back to Sept 3rd: only September's estimate.
    assert.deepEqual(p.cost.x, [s('2026-09-01T00:00:00Z')]);
    const months = await get('/api/v1/history?days=60');
    assert.equal(months.status, 200, months.text);
    const cost = months.json().plots.cost;
    assert.deepEqual(cost.x, [s('2026-08-01T00:00:00Z'), s('2026-09-01T00:00:00Z')]);
    assert.deepEqual(cost.series, [{ label: 'estimate', values: [2.5, 0.75] }, { label: 'budget', values: [plan.backup.monthlyBudgetUsd, plan.backup.monthlyBudgetUsd] }]);
    // 60 days: 6-hourly buckets.
    const pools = months.json().plots.poolUsage;
    assert.equal(pools.x[1] - pools.x[0], 6 * 3600);

    const fallback = await get('/api/v1/history');
    assert.equal(fallback.status, 200, fallback.text);
    assert.equal(fallback.json().since, '2026-06-12T12:00:00.000Z', 'days defaults to 90');
  });

  test('a bad days is 400 saying what is wrong; no token is 401', async () => {
    for (const q of ['days=0', 'days=401', 'days=x', 'days=1.5', 'days=']) {
      const a = await get(`/api/v1/history?${q}`);
      assert.equal(a.status, 400, `${q}: ${a.text}`);
      const body = a.json();
      assert.ok(schemas.errorBody.safeParse(body).success, a.text);
      assert.equal(body.error.code, 'bad-request');
      assert.match(body.error.message, /^the query: days/, a.text);
    }
    const none = await get('/api/v1/history', null);
    assert.equal(none.status, 401, none.text);
  });

  test('no internal error was logged', () => {
    assert.deepEqual(logged, []);
  });
});
