// Scenario: `panther cost simulate` on the default fleet and on a fleet file, text and JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.ts';


test('cost simulate: the spec fleet over 12 months, ours against the btrbk raw way', async () => {
  const { code, json } = await runCli('cost', 'simulate', ...['--start', '2027-01', '--json']);
  assert.equal(code, 0);
  const r = json();
  assert.deepEqual(r.months, ['2027-01', '2027-02', '2027-03', '2027-04', '2027-05', '2027-06', '2027-07', '2027-08', '2027-09', '2027-10', '2027-11', '2027-12']);
  assert.deepEqual(r.fleet.hosts.map((h: { name: string }) => h.name), ['zephyrus', 'yoga', 'hetzner', 'contabo', 'ovh']);
  assert.deepEqual(r.fleet.hosts.map((h: { budgetUsd: number }) => h.budgetUsd), [3, 1.5, 3, 1.5, 1]);
  assert.deepEqual(r.approaches.map((a: { approach: string }) => a.approach), ['panther', 'btrbk-raw']);
  const [ours, raw] = r.approaches;
  assert.ok(ours.months[11].storedBytes < raw.months[11].storedBytes);
  assert.ok(ours.months[11].billUsd < raw.months[11].billUsd);

  const text = await runCli('cost', 'simulate', ...['--start', '2027-01']);
  assert.match(text.stdout, /^Fleet simulation 2027-01 → 2027-12, budget \$10\.00\/month/);
  assert.match(text.stdout, /panther: panther repository/);
  assert.match(text.stdout, /btrbk-raw: btrbk raw target/);
  assert.match(text.stdout, /nights to seed: zephyrus 26 \(378 GB\)/);
  assert.match(text.stdout, /Summary:\n {2}panther {3}month 12: /);
});

test('cost simulate: a fleet file, a budget and the month count; bad input is a usage error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'panther-cost-sim-'));
  try {
    const fleet = join(dir, 'fleet.json');
    await writeFile(fleet, JSON.stringify({ hosts: [{ name: 'zephyrus', usedGB: 300 }, { name: 'nas', usedGB: 50, dailyChange: 0.002, retention: { daily: 7, weekly: 4, monthly: 6 }, window: { weekdays: '01:00-05:00', weekends: '01:00-07:00' }, bandwidthBitsPerSecond: 20e6 }] }));
    const { code, json } = await runCli('cost', 'simulate', ...['--fleet', fleet, '--start', '2027-06', '--months', '3', '--budget', '5', '--json']);
    assert.equal(code, 0);
    const r = json();
    assert.deepEqual(r.months, ['2027-06', '2027-07', '2027-08']);
    assert.equal(r.budgetUsd, 5);
    assert.equal(r.approaches[0].hosts[1].name, 'nas');
    // 50 GB × 0.7 × 0.9 = 31.5 GB at 2.5 MB/s: 4 h = 36 GB on a weekday night, one night.
    assert.equal(r.approaches[0].hosts[1].seedNights, 1);
    assert.equal((await runCli('cost', 'simulate', ...['--start', '2027-13'])).code, 2);
    assert.equal((await runCli('cost', 'simulate', ...['--months', '0'])).code, 2);
    await writeFile(fleet, JSON.stringify({ hosts: [{ name: 'nas' }] }));
    assert.equal((await runCli('cost', 'simulate', ...['--fleet', fleet])).code, 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
