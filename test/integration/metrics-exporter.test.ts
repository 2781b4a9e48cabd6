// `panther metrics serve` against real peers: a provisioned layout on loop btrfs with snapshots, a
// backup and a scrub behind it; Debian's Prometheus scraping the exporter every second; the test asks
// Prometheus's HTTP API for every collector metric (labels and plausible values) and the counters.
// `promtool check metrics` lints the exposition. Every process is stopped by its own PID.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BTRFS_TOOLS, PARTITION_TOOLS, skipReason } from '../support/requirements.ts';
import { provisionSpecHost, type Provisioned } from '../support/provisioned.ts';
import { runCli } from '../support/cli.ts';
import { seededBytes, treeDigest, writeAgeIdentity } from '../support/trees.ts';
import { renderJson } from '../../src/render/json.ts';
import { scrubStart } from '../../src/btrfs/scrub.ts';
import { METRICS, prometheusName, type MetricDef } from '../../src/metrics/catalog.ts';
import { emptyDrillState, finishDrill, writeDrillState } from '../../src/drill/state.ts';
import { sanitizeTagValue } from '../../src/metrics/tags.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS, 'blockdev', 'prometheus', 'promtool'] });
const MAIN = resolve(import.meta.dirname, '../../src/cli/main.ts');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== null) return v;
    } catch (error) { last = error; }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last === null ? '' : `: ${String(last)}`}`);
}

interface Started { child: ChildProcess; stderr: () => string; exited: Promise<number | null> }

function start(cmd: string, args: string[]): Started {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-20_000); });
  child.stdout!.resume();
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, stderr: () => err, exited };
}

/** SIGTERM, then SIGKILL if it has not exited within 5 s; by PID, never by name. */
async function stop(p: Started | undefined): Promise<number | null> {
  if (p === undefined || p.child.exitCode !== null || p.child.signalCode !== null) return p?.child.exitCode ?? null;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 5000);
  try { return await p.exited; } finally { clearTimeout(timer); }
}

interface PromSample { metric: Record<string, string>; value: [number, string] }

describe('metrics serve scraped by Prometheus', { skip }, () => {
  let p: Provisioned;
  let tmp: string;
  let exporter: Started | undefined;
  let prometheus: Started | undefined;
  let exporterPort: number;
  let promPort: number;
  let serveArgs: string[];
  let collectArgs: string[];
  let stateDir: string;
  let stateBefore: Map<string, string>;
  const t0 = Date.now();

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'panther-metrics-'));
    p = await provisionSpecHost('yoga');
    const planFile = join(p.loops.dir, 'plan.json');
    await writeFile(planFile, renderJson(p.plan));
    const key = await writeAgeIdentity(p.loops.dir);
    const repo = join(p.loops.dir, 'repo');
    const state = join(p.loops.dir, 'state');
    const host = ['--plan', planFile, '--root', p.root, '--lock', join(p.loops.dir, 'host.lock')];
    assert.equal((await runCli('backup', 'init', '--repo', repo, '--host', p.plan.host, '--recipient', key.recipient)).code, 0);
    await mkdir(join(p.root, 'home', 'me'), { recursive: true });
    await writeFile(join(p.root, 'home', 'me', 'data.bin'), seededBytes('metrics', 2 * 1024 * 1024));
    const now = new Date().toISOString();
    const snap = await runCli('snapshot', 'run', '--now', now, ...host);
    assert.equal(snap.code, 0, snap.stderr);
    const manual = await runCli('snapshot', 'create', '@home', '--now', new Date(Date.parse(now) + 1000).toISOString(), ...host);
    assert.equal(manual.code, 0, manual.stderr);
    const backup = await runCli('backup', 'run', '--subvol', '@home', '--now', new Date(Date.parse(now) + 2000).toISOString(), ...host,
      '--repo', repo, '--identity-file', key.identityFile, '--ignore-window', '--bandwidth', 'unlimited', '--state-dir', state);
    assert.equal(backup.code, 0, backup.stderr);
    await scrubStart(p.root === '/' ? '/' : join(p.root, p.plan.pools[0]!.subvolumes.find((s) => s.mountPoint !== null)!.mountPoint!));

    // A drill's record as `panther drill restore` writes it (written here until the command runs in
    // this fixture): the collector turns it into the pantheros.drill.* gauges.
    await writeDrillState(state, finishDrill(emptyDrillState(p.plan.host, now), {
      level: 'restore', startedAt: now, finishedAt: new Date(Date.parse(now) + 60_000).toISOString(), outcome: 'passed',
      repository: repo, download: { bytes: 2 * 1024 * 1024, usd: 0, budgetUsd: null }, deferred: [],
      subvolumes: [{
        subvolume: '@home', point: 'p1', snapshot: '@home.s', snapshotTime: now, chainLength: 1, restoredBytes: 2 * 1024 * 1024,
        storedBytes: 2 * 1024 * 1024, sourceBytes: 2 * 1024 * 1024, restoreMs: 1500, verifiedAgainst: 'source-snapshot', differences: 0,
        differenceSample: [], databases: [{ kind: 'postgres', dataDir: '16/main', ok: true, answeredAfterMs: 800 }],
        rto: { objectiveMinutes: 240, impliedMinutes: 0.1, impliedMinutesAtLink: 0.1, linkBitsPerSecond: 1e7, met: true }, ok: true,
      }],
    }));
    collectArgs = ['--plan', planFile, '--root', p.root, '--state-dir', state];
    stateDir = state;
    stateBefore = await treeDigest(state);
    exporterPort = await freePort();
    serveArgs = ['metrics', 'serve', '--listen', `127.0.0.1:${exporterPort}`, '--plan', planFile, '--root', p.root, '--state-dir', state, '--snapshot-sizes', '--cache', '1'];
    exporter = start(process.execPath, [MAIN, ...serveArgs]);
    await until('the exporter', 30_000, async () => ((await fetch(`http://127.0.0.1:${exporterPort}/healthz`)).ok ? true : null));

    promPort = await freePort();
    const config = join(tmp, 'prometheus.yml');
    await writeFile(config, [
      'global:', '  scrape_interval: 1s', '  scrape_timeout: 1s', 'scrape_configs:', '  - job_name: panther',
      '    static_configs:', `      - targets: ['127.0.0.1:${exporterPort}']`, '',
    ].join('\n'));
    prometheus = start('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${join(tmp, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`]);
    await until('Prometheus', 30_000, async () => ((await fetch(`http://127.0.0.1:${promPort}/-/ready`)).ok ? true : null));
  });

  after(async () => {
    await stop(prometheus);
    await stop(exporter);
    await p?.dispose();
    if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
  });

  const query = async (q: string): Promise<PromSample[]> => {
    const res = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`);
    const body = await res.json() as { status: string; data: { result: PromSample[] } };
    assert.equal(body.status, 'success');
    return body.data.result;
  };
  const present = (def: MetricDef): Promise<PromSample[]> =>
    until(`${prometheusName(def)} in Prometheus`, 60_000, async () => { const r = await query(prometheusName(def)); return r.length > 0 ? r : null; });

  test('promtool check metrics finds nothing to complain about in /metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${exporterPort}/metrics`)).text();
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
    assert.equal(lint.status, 0, `${lint.stdout}${lint.stderr}`);
    assert.equal(`${lint.stdout}${lint.stderr}`.trim(), '');
  });

  test('every collector metric reaches Prometheus with the catalog\'s labels and a plausible value', async () => {
    const hours = (Date.now() - t0) / 3_600_000 + 0.01;
    for (const def of METRICS.filter((m) => m.source === 'collector') as MetricDef[]) {
      const samples = await present(def);
      for (const s of samples) {
        const { __name__: name, job, instance, ...labels } = s.metric;
        assert.equal(name, prometheusName(def));
        assert.equal(job, 'panther');
        assert.equal(instance, `127.0.0.1:${exporterPort}`);
        assert.deepEqual(Object.keys(labels).sort(), [...def.tags].sort(), `${name} labels`);
        assert.equal(labels['host'], p.plan.host);
        const v = Number(s.value[1]);
        assert.ok(Number.isFinite(v) && v >= 0, `${name} ${v}`);
        if (def.unit === 'hours') assert.ok(v <= hours, `${name} is ${v} h, the fixture is ${hours} h old`);
        if (def.unit === 'boolean') assert.ok(v === 0 || v === 1);
        if (def.unit === 'percent') assert.ok(v > 0 && v < 100, `${name} ${v}`);
      }
      const by = (k: string): string[] => samples.map((s) => s.metric[k]!).sort();
      if (def.name === 'pantheros.disk.usage' || def.name === 'pantheros.btrfs.balance' || def.name === 'pantheros.btrfs.scrub.errors') {
        assert.deepEqual(by('device'), p.plan.pools.map((x) => x.device).sort(), def.name);
      }
      if (def.name === 'pantheros.snapshot.count') {
        assert.deepEqual(by('type'), ['daily', 'frequent', 'hourly', 'manual', 'monthly', 'weekly', 'yearly']);
        assert.equal(samples.find((s) => s.metric['type'] === 'manual')!.value[1], '1');
        assert.ok(Number(samples.find((s) => s.metric['type'] === 'daily')!.value[1]) >= 1);
      }
      if (def.name === 'pantheros.snapshot.size') {
        const snapshotted = p.plan.pools.flatMap((x) => x.subvolumes).filter((s) => s.snapshots !== null).map((s) => s.name).sort();
        assert.deepEqual(by('subvol'), snapshotted);
      }
      if (def.name === 'pantheros.btrfs.device_errors') {
        assert.deepEqual([...new Set(by('type'))].sort(), ['corruption', 'flush_io', 'generation', 'read_io', 'write_io']);
        assert.ok(samples.every((s) => s.value[1] === '0'));
      }
      if (def.name === 'pantheros.backup.backlog') assert.equal(samples[0]!.value[1], '0');
    }
  });

  test('counters are exported as cumulative _total series; the host-only ones start at 0', async () => {
    const text = await (await fetch(`http://127.0.0.1:${exporterPort}/metrics`)).text();
    for (const def of METRICS.filter((m) => m.type === 'counter') as MetricDef[]) {
      assert.match(prometheusName(def), /_total$/);
      assert.match(text, new RegExp(`^# TYPE ${prometheusName(def)} counter$`, 'm'));
      if (def.tags.length === 1) {
        const samples = await present(def);
        assert.deepEqual(samples.map((s) => s.metric['host']), [p.plan.host]);
      }
    }
  });

  test('only GET /metrics and /healthz are served; a second exporter on the port says which port and how to choose another', async () => {
    assert.equal((await fetch(`http://127.0.0.1:${exporterPort}/`)).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${exporterPort}/metrics`, { method: 'POST', body: 'x' })).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${exporterPort}/metrics/../etc/passwd`)).status, 404);
    const second = spawnSync(process.execPath, [MAIN, ...serveArgs], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(second.status, 1, second.stderr);
    assert.match(second.stderr, new RegExp(`127\\.0\\.0\\.1:${exporterPort}: the port is in use`));
    assert.match(second.stderr, /--listen 127\.0\.0\.1:PORT/);
  });

  test('metrics collect sends every collector gauge to a real UDP socket, and prints them', async () => {
    const socket = createSocket('udp4');
    const lines: string[] = [];
    socket.on('message', (m) => lines.push(...m.toString('utf8').split('\n').filter((l) => l !== '')));
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    const saved = { port: process.env['DD_DOGSTATSD_PORT'], tags: process.env['DD_TAGS'], off: process.env['PANTHER_METRICS'] };
    try {
      process.env['DD_DOGSTATSD_PORT'] = String(socket.address().port);
      process.env['DD_TAGS'] = 'env:test';
      delete process.env['PANTHER_METRICS'];
      const r = await runCli('metrics', 'collect', ...collectArgs, '--json');
      assert.equal(r.code, 0, r.stderr);
      const { gauges, sent } = r.json() as { gauges: Array<{ name: string; tags: Record<string, string>; value: number }>; sent: { failed: number } };
      assert.equal(sent.failed, 0);
      await until('the datagrams', 5000, async () => (lines.length >= gauges.length ? true : null));
      // DD_TAGS first, then the metric's tags sorted by key (the client's order), values cleaned as the
      // client cleans them (a subvolume's "@" is not a DogStatsD character).
      const expected = gauges.map((g) => `${g.name}:${g.value}|g|#env:test,${Object.entries(g.tags).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}:${sanitizeTagValue(v, k)}`).join(',')}`);
      assert.deepEqual(lines.sort(), expected.sort());
      const names = new Set(gauges.map((g) => g.name));
      // snapshot.size only with --snapshot-sizes (it walks every file).
      assert.deepEqual(METRICS.filter((m) => m.source === 'collector' && !names.has(m.name)).map((m) => m.name), ['pantheros.snapshot.size']);
    } finally {
      socket.close();
      for (const [k, v] of [['DD_DOGSTATSD_PORT', saved.port], ['DD_TAGS', saved.tags], ['PANTHER_METRICS', saved.off]] as const) {
        if (v === undefined) delete process.env[k]; else process.env[k] = v;
      }
    }
  });

  test('a pool that cannot be read is a warning and missing series, not a failed collection', async () => {
    const saved = process.env['PANTHER_METRICS'];
    process.env['PANTHER_METRICS'] = 'off';
    try {
      const empty = await mkdtemp(join(tmp, 'no-mounts-'));
      const args = [...collectArgs];
      args[args.indexOf('--root') + 1] = empty;
      const r = await runCli('metrics', 'collect', ...args, '--json');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /metrics: usage of pool /);
      const { gauges, sent } = r.json() as { gauges: Array<{ name: string }>; sent: unknown };
      assert.equal(sent, null);
      const names = new Set(gauges.map((g) => g.name));
      for (const gone of ['pantheros.disk.usage', 'pantheros.btrfs.balance', 'pantheros.snapshot.age']) assert.ok(!names.has(gone), gone);
      for (const kept of ['pantheros.backup.age', 'pantheros.backup.b2.cost', 'pantheros.snapshot.count']) assert.ok(names.has(kept), kept);
    } finally {
      if (saved === undefined) delete process.env['PANTHER_METRICS']; else process.env['PANTHER_METRICS'] = saved;
    }
  });

  test('collecting and serving wrote nothing to the state directory', async () => {
    assert.deepEqual(await treeDigest(stateDir), stateBefore);
  });

  test('SIGTERM stops the exporter cleanly (exit 0)', async () => {
    assert.equal(await stop(exporter), 0, exporter!.stderr());
    exporter = undefined;
  });
});
