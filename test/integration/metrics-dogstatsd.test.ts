// The runs' metrics against a real peer: a UDP socket on 127.0.0.1 stands in for the Datadog agent
// and receives the DogStatsD datagrams of real `panther` processes (snapshot run, snapshot create,
// backup run, backup check) on a provisioned loop-btrfs layout, pointed at it through DD_AGENT_HOST,
// DD_DOGSTATSD_PORT and DD_TAGS. Names, types, tags and values are checked against the runs' own
// --json reports, and the counters file the exporter reads must hold the same totals. With nothing
// listening, or PANTHER_METRICS=off, the runs succeed exactly as before.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BTRFS_TOOLS, PARTITION_TOOLS, skipReason } from '../support/requirements.ts';
import { provisionSpecHost, type Provisioned } from '../support/provisioned.ts';
import { renderJson } from '../../src/render/json.ts';
import { initRepository, LocalBackend } from '../../src/repo/index.ts';
import { readCounters } from '../../src/metrics/counters-state.ts';
import type { StoragePlan } from '../../src/plan/types.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS, 'blockdev', 'flock'] });
const ROOT = resolve(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const PASSPHRASE = 'metrics over dogstatsd';
const DD_TAGS = 'env:test team:storage';

interface Datagram { name: string; value: number; type: string; tags: string[] }
interface Run { code: number | null; stdout: string; stderr: string; json: () => any }

function parseLine(line: string): Datagram {
  const m = /^([^:|]+):([^|]+)\|([a-z])(?:\|#(.*))?$/.exec(line);
  assert.ok(m, `not a DogStatsD line: ${JSON.stringify(line)}`);
  return { name: m[1]!, value: Number(m[2]), type: m[3]!, tags: (m[4] ?? '').split(',').filter(Boolean).sort() };
}

class Agent {
  readonly socket: Socket = createSocket('udp4');
  received: Datagram[] = [];
  async start(): Promise<number> {
    this.socket.on('message', (m) => this.received.push(...m.toString('utf8').split('\n').filter(Boolean).map(parseLine)));
    await new Promise<void>((done) => this.socket.bind(0, '127.0.0.1', done));
    return this.socket.address().port;
  }
  /** What arrived since the last take (UDP on loopback arrives at once; a short grace for the event loop). */
  async take(): Promise<Datagram[]> {
    await new Promise((r) => setTimeout(r, 150));
    const got = this.received;
    this.received = [];
    return got;
  }
  close(): void { this.socket.close(); }
}

function panther(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(NODE, [MAIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr, json: () => JSON.parse(stdout) }));
  });
}

const sum = (ds: Datagram[], name: string): number => ds.filter((d) => d.name === name).reduce((a, d) => a + d.value, 0);

describe('DogStatsD datagrams of real runs on loop btrfs', { skip, timeout: 10 * 60_000 }, () => {
  let p: Provisioned;
  const agent = new Agent();
  let env: Record<string, string>;
  let stateDir: string;
  let flags: string[];
  let hookedFlags: string[];
  let repoFlags: string[];
  /** What every datagram so far added up to, per series, to compare with the counters file. */
  const totals = new Map<string, number>();
  const count = (ds: Datagram[]): void => {
    for (const d of ds.filter((x) => x.type === 'c')) {
      const key = `${d.name}{${d.tags.filter((t) => !t.startsWith('env:') && !t.startsWith('team:')).join(',')}}`;
      totals.set(key, (totals.get(key) ?? 0) + d.value);
    }
  };

  before(async () => {
    p = await provisionSpecHost('yoga', { timezone: 'UTC' });
    const port = await agent.start();
    stateDir = join(p.loops.dir, 'state');
    env = { DD_AGENT_HOST: '127.0.0.1', DD_DOGSTATSD_PORT: String(port), DD_TAGS, PANTHER_STATE_DIR: stateDir };
    const planFile = join(p.loops.dir, 'plan.json');
    await writeFile(planFile, renderJson(p.plan));
    // The same layout with hooks: @home's refuses (fail-closed), @'s fails but lets the snapshot be taken (fail-open).
    const hooked: StoragePlan = structuredClone(p.plan);
    const sub = (name: string) => hooked.pools.flatMap((pool) => pool.subvolumes).find((s) => s.name === name)!;
    sub('@home').hooks = [{ type: 'command', name: 'quiesce-home', before: ['false'], failMode: 'closed', timeoutSeconds: 10 }];
    sub('@').hooks = [{ type: 'command', name: 'flush|root', before: ['false'], failMode: 'open', timeoutSeconds: 10 }];
    const hookedFile = join(p.loops.dir, 'plan-hooked.json');
    await writeFile(hookedFile, renderJson(hooked));
    const lock = join(p.loops.dir, 'run', 'host.lock');
    flags = ['--plan', planFile, '--root', p.root, '--lock', lock];
    hookedFlags = ['--plan', hookedFile, '--root', p.root, '--lock', lock];
    const repoDir = join(p.loops.dir, 'repo');
    const passFile = join(p.loops.dir, 'passphrase');
    await writeFile(passFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    await initRepository(new LocalBackend(repoDir), { host: 'yoga', passphrase: PASSPHRASE, scryptLogN: 10 });
    repoFlags = ['--repo', repoDir, '--passphrase-file', passFile, '--state-dir', stateDir];
  });
  after(async () => {
    agent.close();
    await p?.dispose();
  });

  const expectTags = (d: Datagram, extra: string[] = []): void => {
    assert.deepEqual(d.tags, ['env:test', 'host:yoga', 'team:storage', ...extra].sort(), `${d.name} tags`);
  };

  test('snapshot run: snapshot.created counts the snapshots the report lists, with host and DD_TAGS', async () => {
    const run = await panther(['snapshot', 'run', '--now', '2026-12-01T10:00:00Z', '--json', ...flags], env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '', 'metrics print nothing');
    const created = run.json().created.length;
    assert.ok(created >= 2, `a fresh layout has @ and @home due: ${run.stdout}`);
    const got = await agent.take();
    count(got);
    assert.deepEqual(got.map((d) => `${d.name}|${d.type}`), ['pantheros.snapshot.created|c']);
    assert.equal(got[0]!.value, created);
    expectTags(got[0]!);
  });

  test('a failing fail-closed hook gives snapshot.failed and hook_failed; a fail-open one hook_failed and degraded', async () => {
    const run = await panther(['snapshot', 'run', '--now', '2026-12-02T10:00:00Z', '--json', ...hookedFlags], env);
    assert.equal(run.code, 1, 'the refused subvolume fails the run, as before');
    const report = run.json();
    assert.deepEqual(report.failed.map((f: any) => [f.subvolume, f.failedHooks]), [['@home', ['command quiesce-home']]]);
    assert.deepEqual(report.created.filter((c: any) => c.degraded).map((c: any) => [c.subvolume, c.failedHooks]), [['@', ['command flush|root']]]);
    const got = await agent.take();
    count(got);
    assert.ok(got.every((d) => d.type === 'c'));
    for (const d of got) assert.ok(d.tags.includes('env:test') && d.tags.includes('host:yoga'), JSON.stringify(d));
    assert.equal(sum(got, 'pantheros.snapshot.failed'), 1);
    assert.equal(sum(got, 'pantheros.snapshot.created'), report.created.length);
    const hookFailed = got.filter((d) => d.name === 'pantheros.snapshot.hook_failed');
    assert.deepEqual(hookFailed.map((d) => d.tags.filter((t) => /^(subvol|hook):/.test(t))).sort(), [
      // "@" is hot-shots' sample-rate marker: replaced in tag values, so "@home" is "_home".
      ['hook:command_flush_root', 'subvol:_'], ['hook:command_quiesce-home', 'subvol:_home'],
    ].sort());
    const degraded = got.filter((d) => d.name === 'pantheros.snapshot.degraded');
    assert.equal(degraded.length, 1);
    expectTags(degraded[0]!, ['subvol:_']);
  });

  test('snapshot create with a refusing hook: failed and hook_failed, the same error and exit code as before', async () => {
    const run = await panther(['snapshot', 'create', '@home', '--now', '2026-12-02T11:00:00Z', ...hookedFlags], env);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /hook command quiesce-home failed/);
    assert.doesNotMatch(run.stderr, /metrics/);
    const got = await agent.take();
    count(got);
    assert.deepEqual(got.map((d) => `${d.name}:${d.value}|${d.type}`).sort(), ['pantheros.snapshot.failed:1|c', 'pantheros.snapshot.hook_failed:1|c']);
    const ok = await panther(['snapshot', 'create', '@home', '--now', '2026-12-02T11:00:00Z', ...flags], env);
    assert.equal(ok.code, 0, ok.stderr);
    const created = await agent.take();
    count(created);
    assert.deepEqual(created.map((d) => `${d.name}:${d.value}|${d.type}`), ['pantheros.snapshot.created:1|c']);
  });

  test('snapshot wrap: one snapshot.created per snapshot before and after; a refused "before" counts as failed', async () => {
    const run = await panther(['snapshot', 'wrap', '--subvol', '@home', '--subvol', '@', '--json', ...flags, '--', 'true'], env);
    assert.equal(run.code, 0, run.stderr);
    const report = run.json();
    const got = await agent.take();
    count(got);
    assert.equal(report.before.length + report.after.length, 4);
    assert.deepEqual(got.map((d) => `${d.name}:${d.value}|${d.type}`), ['pantheros.snapshot.created:4|c']);
    const refused = await panther(['snapshot', 'wrap', '--subvol', '@home', ...hookedFlags, '--', 'true'], env);
    assert.equal(refused.code, 1, 'the refused snapshot stops the wrap, as before');
    const failed = await agent.take();
    count(failed);
    assert.deepEqual(failed.map((d) => `${d.name}:${d.value}|${d.type}`).sort(), ['pantheros.snapshot.failed:1|c', 'pantheros.snapshot.hook_failed:1|c']);
  });

  test('backup run: backup.completed, backup.duration (s) and backup.size{target:local} (the bytes it stored)', async () => {
    const run = await panther(['backup', 'run', '--subvol', '@home', '--ignore-window', '--json', ...flags, ...repoFlags], env);
    assert.equal(run.code, 0, run.stderr);
    const report = run.json();
    assert.ok(report.items[0].point, 'a point was written');
    assert.ok(report.storedBytes > 0);
    const got = await agent.take();
    count(got);
    const by = new Map(got.map((d) => [d.name, d]));
    assert.deepEqual([...by.keys()].sort(), ['pantheros.backup.completed', 'pantheros.backup.duration', 'pantheros.backup.size']);
    assert.equal(by.get('pantheros.backup.completed')!.type, 'c');
    assert.equal(by.get('pantheros.backup.completed')!.value, 1);
    expectTags(by.get('pantheros.backup.completed')!);
    const duration = by.get('pantheros.backup.duration')!;
    assert.equal(duration.type, 'g');
    assert.ok(duration.value > 0 && duration.value < 600, `duration ${duration.value} s`);
    expectTags(duration);
    const size = by.get('pantheros.backup.size')!;
    assert.equal(size.type, 'g');
    assert.equal(size.value, report.storedBytes);
    expectTags(size, ['target:local']);
  });

  test('backup check: backup.check 1', async () => {
    const run = await panther(['backup', 'check', '--host', 'yoga', '--json', ...repoFlags], env);
    assert.equal(run.code, 0, run.stderr);
    const got = await agent.take();
    assert.deepEqual(got.map((d) => `${d.name}:${d.value}|${d.type}`), ['pantheros.backup.check:1|g']);
    expectTags(got[0]!);
  });

  test('the counters file holds the same totals as the datagrams, and the gauges\' last values', async () => {
    const read = await readCounters(stateDir, 'yoga');
    assert.equal(read.problem, null);
    const file = new Map(read.counters.map((c) => [`${c.name}{${Object.entries(c.tags).map(([k, v]) => `${k}:${v}`).sort().join(',')}}`, c.value]));
    assert.deepEqual(file, totals);
    assert.deepEqual(read.gauges.map((g) => g.name).sort(), ['pantheros.backup.check', 'pantheros.backup.duration', 'pantheros.backup.size']);
    assert.equal(read.gauges.find((g) => g.name === 'pantheros.backup.check')!.value, 1);
  });

  test('nothing listening: the run succeeds unchanged; PANTHER_METRICS=off sends nothing', async () => {
    const closed = createSocket('udp4');
    await new Promise<void>((done) => closed.bind(0, '127.0.0.1', done));
    const deadPort = closed.address().port;
    await new Promise<void>((done) => closed.close(() => done()));
    const dead = await panther(['snapshot', 'run', '--now', '2026-12-03T10:00:00Z', '--json', ...flags], { ...env, DD_DOGSTATSD_PORT: String(deadPort) });
    assert.equal(dead.code, 0, dead.stderr);
    assert.equal(dead.stderr, '');
    assert.ok(dead.json().created.length >= 1);
    const off = await panther(['snapshot', 'run', '--now', '2026-12-04T10:00:00Z', '--json', ...flags], { ...env, PANTHER_METRICS: 'off' });
    assert.equal(off.code, 0, off.stderr);
    assert.equal(off.stderr, '');
    assert.ok(off.json().created.length >= 1);
    assert.deepEqual(await agent.take(), [], 'nothing reached the agent');
    // The runs are still counted for the exporter.
    const created = (await readCounters(stateDir, 'yoga')).counters.find((c) => c.name === 'pantheros.snapshot.created')!;
    assert.equal(created.value, totals.get('pantheros.snapshot.created{host:yoga}')! + dead.json().created.length + off.json().created.length);
  });
});
