// Scenario: three nights of real backups (and one prune) of a small repository on a LocalBackend,
// each through the metered wrapper, each recorded in the cost ledger; then `panther cost` prices it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRepository, openRepository, LocalBackend } from '../../src/repo/index.ts';
import { MeteredBackend, measureStored } from '../../src/repo/backend/metered.ts';
import { compressible, pseudoRandom, inReads } from '../../src/repo/testing/pseudo-random.ts';
import { SMALL_PARAMS } from '../../src/repo/testing/repos.ts';
import { B2_PRICES, callsByClass, checkBudget, readLedger, recordRun } from '../../src/cost/index.ts';
import { runCli } from '../support/cli.ts';

const HOST = 'zephyrus';
const PASSPHRASE = 'cost ledger test passphrase';


async function filesUnder(dir: string): Promise<{ bytes: number; objects: number }> {
  let bytes = 0;
  let objects = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.name.startsWith('.')) continue;
    bytes += (await stat(join(entry.parentPath, entry.name))).size;
    objects++;
  }
  return { bytes, objects };
}

test('cost: a ledger written by real backups through the metered wrapper, priced by panther cost', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'panther-cost-it-'));
  const root = join(dir, 'repo');
  const state = join(dir, 'state');
  try {
    const local = new LocalBackend(root);
    const data1 = Buffer.concat([pseudoRandom(3 * 1024 * 1024, 1), compressible(1024 * 1024, 2)]);
    const data2 = Buffer.concat([data1.subarray(0, 2 * 1024 * 1024), pseudoRandom(1024 * 1024, 3), data1.subarray(3 * 1024 * 1024)]);
    const manifests: string[] = [];
    // One process per night: a fresh wrapper, the night's clock, a ledger entry at the end.
    const nights: Array<{ at: string; kind: 'init+backup' | 'backup' | 'prune'; data?: Buffer }> = [
      { at: '2027-03-01T02:00:00Z', kind: 'init+backup', data: data1 },
      { at: '2027-03-02T02:00:00Z', kind: 'backup', data: data2 },
      { at: '2027-03-03T02:00:00Z', kind: 'backup', data: data2 },
      { at: '2027-03-03T04:00:00Z', kind: 'prune' },
    ];
    for (const night of nights) {
      const now = (): Date => new Date(night.at);
      const metered = new MeteredBackend(local, { now });
      const repo = night.kind === 'init+backup'
        // Small chunks (as the repository's own tests use) so that dedup of the unchanged megabytes
        // does not depend on where the random key puts chunk boundaries.
        ? await initRepository(metered, { host: HOST, passphrase: PASSPHRASE, scryptLogN: 15, now, params: SMALL_PARAMS })
        : await openRepository(metered, { host: HOST, identity: { passphrase: PASSPHRASE }, now });
      if (night.data !== undefined) {
        const result = await repo.backup(inReads(night.data), {
          subvolume: '@home', snapshot: { name: `@home.${night.at}`, uuid: `uuid-${manifests.length}`, time: night.at },
          parent: manifests[manifests.length - 1] ?? null,
        });
        manifests.push(result.manifestId);
      } else {
        await repo.prune([manifests[manifests.length - 1]!]);
      }
      const stored = await measureStored(metered, `${HOST}/`);
      await recordRun(state, HOST, { kind: night.kind === 'prune' ? 'prune' : 'backup', started: night.at, finished: night.at, usage: metered.usage(), stored }, B2_PRICES.hiddenVersionDays);
    }

    const ledger = await readLedger(state, HOST);
    assert.equal(ledger.runs.length, 4);
    assert.deepEqual(Object.keys(ledger.days), ['2027-03-01', '2027-03-02', '2027-03-03']);
    const first = callsByClass(ledger.days['2027-03-01']!.calls, B2_PRICES);
    assert.ok(first.A >= 3, 'init and the first backup put key, config, packs, index and manifest');
    assert.ok(first.C >= 1, 'listings are class C');
    assert.ok(callsByClass(ledger.days['2027-03-02']!.calls, B2_PRICES).B >= 2, 'opening reads the config and a key file');
    assert.ok(ledger.days['2027-03-01']!.bytesUp > 3 * 1024 * 1024, 'the random part cannot shrink');
    assert.ok(ledger.days['2027-03-02']!.bytesUp < ledger.days['2027-03-01']!.bytesUp / 2, 'the second night stores only the changed megabyte');
    assert.ok(ledger.days['2027-03-03']!.bytesDeleted > 0, 'prune deleted packs: hidden versions for a day');
    assert.ok(ledger.runs[3]!.hiddenBytes > 0);
    const onDisk = await filesUnder(join(root, HOST));
    assert.deepEqual({ bytes: ledger.runs[3]!.storedBytes, objects: ledger.runs[3]!.storedObjects }, onDisk, 'the stored total is the listing total');

    // Dear prices so the megabytes show: $6 per GB-month, nothing free.
    const prices = join(dir, 'prices.json');
    await writeFile(prices, JSON.stringify({ storage: { usdPerTBMonth: 6000, freeGB: 0 } }));
    const budget = 0.05;
    const { code, json } = await runCli('cost', ...['--state-dir', state, '--host', HOST, '--now', '2027-03-16T00:00:00Z', '--prices', prices, '--budget', String(budget), '--json']);
    assert.equal(code, 0);
    const e = json();
    assert.equal(e.host, HOST);
    assert.equal(e.latest.storedBytes, onDisk.bytes);
    assert.deepEqual(e.monthToDate.calls, [ledger.days['2027-03-01']!, ledger.days['2027-03-02']!, ledger.days['2027-03-03']!]
      .map((d) => callsByClass(d.calls, B2_PRICES)).reduce((a, b) => ({ A: a.A + b.A, B: a.B + b.B, C: a.C + b.C })));
    // Storage: each run's total from its end until the next run, the first assumed from March 1st.
    const totals = ledger.runs.map((r) => ({ t: Date.parse(r.finished), bytes: r.storedBytes! }));
    const monthMs = 31 * 86_400_000;
    let byteMs = totals[0]!.bytes * (totals[1]!.t - Date.parse('2027-03-01T00:00:00Z'));
    for (let i = 1; i < totals.length; i++) byteMs += totals[i]!.bytes * ((totals[i + 1]?.t ?? Date.parse('2027-03-16T00:00:00Z')) - totals[i]!.t);
    // Each deleted byte (prune's packs, and index segments the writer merges) is billed for a day.
    const hidden = Object.values(ledger.days).reduce((sum, d) => sum + d.bytesDeleted, 0) * 86_400_000;
    assert.ok(Math.abs(e.monthToDate.storageGBMonth - (byteMs + hidden) / monthMs / 1e9) < 1e-12);
    assert.ok(e.thisMonth.totalUsd > e.monthToDate.totalUsd);
    assert.equal(e.thisMonth.budget.level, checkBudget(e.thisMonth.totalUsd, budget).level);
    assert.equal(e.forecast.length, 3);
    assert.equal(e.policy.policy, 'report');

    const text = await runCli('cost', ...['--state-dir', state, '--host', HOST, '--now', '2027-03-16T00:00:00Z', '--prices', prices, '--budget', String(budget)]);
    assert.match(text.stdout, /^panther cost — zephyrus/);
    assert.match(text.stdout, /2027-03 estimate/);
    assert.match(text.stdout, /alert-80 at 80 %, warning-90 at 90 %/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('cost: a spec host without a plan takes its built-in budget and retention; bad flags are usage errors', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'panther-cost-it-'));
  try {
    const e = await runCli('cost', ...['--state-dir', dir, '--host', 'hetzner', '--plan', join(dir, 'none.json'), '--now', '2027-03-16T00:00:00Z', '--json']);
    assert.equal(e.code, 1, 'an explicit --plan that cannot be read is an error');
    const ok = await runCli('cost', ...['--state-dir', dir, '--host', 'hetzner', '--now', '2027-03-16T00:00:00Z', '--policy', 'thin', '--json']);
    assert.equal(ok.code, 0);
    assert.equal(ok.json().budget.monthlyUsd, 3);
    assert.equal(ok.json().policy.action, 'none');
    assert.ok(ok.json().notes.some((n: string) => n.includes('production-vps')));
    assert.equal((await runCli('cost', ...['--state-dir', dir, '--host', 'hetzner', '--policy', 'shred'])).code, 2);
    assert.equal((await runCli('cost', ...['--state-dir', dir, '--host', 'hetzner', '--now', 'yesterday'])).code, 2);
    await writeFile(join(dir, 'p.json'), '{"storage":{"usdPerTBMonth":"six"}}');
    assert.equal((await runCli('cost', ...['--state-dir', dir, '--host', 'hetzner', '--prices', join(dir, 'p.json')])).code, 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
