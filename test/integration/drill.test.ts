// Restore drills end to end through the CLI on a provisioned loop btrfs (yoga's layout) and a local
// repository: restore, integrity and disaster levels pass on a healthy repository and record what
// they measured; the scratch filesystem is gone afterwards (no mount, no loop device, no image).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLoopBtrfs } from '../support/loop-btrfs.ts';
import { flipByte } from '../support/flip-byte.ts';
import { startS3Stack, TEST_BUCKET, TEST_REGION, type S3Stack } from '../support/s3-server.ts';
import { Client } from 'pg';
import { initPostgres, openForPostgres, pgOwnedDir, postgresSkipReason, startPostgres, type PgServer } from '../support/postgres.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { BTRFS_TOOLS, PARTITION_TOOLS, skipReason } from '../support/requirements.ts';
import { provisionSpecHost, type Provisioned } from '../support/provisioned.ts';
import { seededBytes, writeAgeIdentity } from '../support/trees.ts';
import { runCli } from '../support/cli.ts';
import { renderJson } from '../../src/render/json.ts';
import { initRepo } from '../../src/backup/open.ts';
import { listLoops } from '../../src/btrfs/index.ts';
import { readDrillState } from '../../src/drill/state.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS, 'unshare', 'setpriv'] });
const NOW = '2026-09-01T02:00:00.000Z';
const ROOT = resolve(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

/** Processes whose command line names a path under `dir` (the drill's database servers run there). */
async function processesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((n) => /^\d+$/.test(n))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(dir)) found.push(`${pid}: ${cmdline.replaceAll('\0', ' ')}`);
  }
  return found;
}

async function scratchLeftovers(scratch: string): Promise<string[]> {
  const loops = (await listLoops()).filter((l) => l.backingFile.includes('.panther-drill-'));
  const files = await readdir(scratch).catch(() => []);
  return [...loops.map((l) => `loop ${l.device} on ${l.backingFile}`), ...files.map((f) => `file ${f}`)];
}

describe('panther drill on a local repository', { skip, timeout: 20 * 60_000 }, () => {
  let p: Provisioned;
  let common: string[];
  let stateDir: string;
  let scratch: string;
  let repo: string;
  let identityFile: string;
  let lock: string;

  before(async () => {
    p = await provisionSpecHost('yoga', {}, 1024);
    const planFile = join(p.loops.dir, 'plan.json');
    await writeFile(planFile, renderJson(p.plan));
    const key = await writeAgeIdentity(p.loops.dir);
    identityFile = key.identityFile;
    repo = join(p.loops.dir, 'repo');
    lock = join(p.loops.dir, 'host.lock');
    stateDir = join(p.loops.dir, 'state');
    scratch = join(p.loops.dir, 'scratch');
    await initRepo({ url: repo, host: p.plan.host, identityFile: key.identityFile, recipients: [key.recipient] });
    const data = join(p.root, 'home', 'data');
    await mkdir(data, { recursive: true });
    for (let i = 0; i < 20; i++) await writeFile(join(data, `f${i}.bin`), seededBytes(`f${i}`, 50_000 + i * 1000));
    common = ['--plan', planFile, '--root', p.root, '--lock', join(p.loops.dir, 'host.lock'), '--repo', repo, '--identity-file', key.identityFile, '--state-dir', stateDir];
    const snap = await runCli('snapshot', 'run', ...common.slice(0, 6), '--now', NOW);
    assert.equal(snap.code, 0, snap.stderr);
    const backup = await runCli('backup', 'run', ...common, '--ignore-window', '--bandwidth', 'unlimited', '--now', NOW);
    assert.equal(backup.code, 0, backup.stderr + backup.stdout);
  });
  after(async () => { await p?.dispose(); });

  test('restore: every backed-up subvolume restored, verified against its snapshot, recorded', async () => {
    const r = await runCli('drill', 'restore', ...common, '--scratch', scratch, '--json');
    const result = r.json();
    assert.equal(r.code, 0, `${r.stderr}\n${JSON.stringify(result, null, 2)}`);
    assert.equal(result.outcome, 'passed');
    assert.ok(result.subvolumes.length >= 1);
    const home = result.subvolumes.find((s: { subvolume: string }) => s.subvolume === '@home');
    assert.equal(home.verifiedAgainst, 'source-snapshot');
    assert.equal(home.differences, 0);
    assert.ok(home.restoredBytes > 1_000_000, `${home.restoredBytes}`);
    assert.equal(result.validation.restorePathWritable, true);
    assert.ok(result.validation.encryption.markers >= 8, `markers: ${JSON.stringify(result.validation.encryption)}`);
    assert.equal(result.validation.encryption.found, 0);
    assert.ok(result.validation.encryption.bytesScanned > 0);
    assert.ok(result.validation.lastBackupAt !== null);
    assert.ok(result.validation.storedVsSource.ratio > 0);
    assert.deepEqual(await scratchLeftovers(scratch), []);
    const state = await readDrillState(stateDir, p.plan.host, new Date().toISOString());
    assert.equal(state.running, null);
    assert.equal(state.last.restore?.outcome, 'passed');
    assert.ok(state.lastRestoredAt['@home'] !== undefined);
  });

  test('integrity: structure checked, this week\'s slice read; --period-weeks 1 reads every pack', async () => {
    const weekly = await runCli('drill', 'integrity', ...common, '--json');
    assert.equal(weekly.code, 0, weekly.stderr);
    const w = weekly.json();
    assert.equal(w.outcome, 'passed');
    assert.equal(w.integrity.slice.of, 13);
    assert.ok(w.integrity.packsRead <= w.integrity.packsTotal);
    const all = (await runCli('drill', 'integrity', ...common, '--period-weeks', '1', '--json')).json();
    assert.equal(all.integrity.packsRead, all.integrity.packsTotal);
    assert.ok(all.integrity.packsTotal > 0);
    assert.ok(all.download.bytes >= all.integrity.bytesRead, `downloaded ${all.download.bytes} ≥ read ${all.integrity.bytesRead}`);
  });

  test('disaster: the repository, the key and nothing else (no plan, a fresh state directory)', async () => {
    const fresh = join(p.loops.dir, 'new-machine');
    const r = await runCli('drill', 'disaster', '--repo', repo, '--identity-file', identityFile, '--state-dir', fresh, '--scratch', scratch, '--lock', lock, '--json');
    const result = r.json();
    assert.equal(r.code, 0, `${r.stderr}\n${JSON.stringify(result, null, 2)}`);
    assert.match(r.stderr, /using host yoga, the only host in the repository/);
    assert.ok(result.subvolumes.length >= 4);
    for (const s of result.subvolumes) {
      assert.equal(s.verifiedAgainst, 'stream-hash', s.subvolume);
      assert.equal(s.ok, true, s.subvolume);
      assert.equal(s.rto.objectiveMinutes, null, 'no plan, no objective');
    }
    assert.equal((await readDrillState(fresh, 'yoga', new Date().toISOString())).last.disaster?.outcome, 'passed');
    assert.deepEqual(await scratchLeftovers(scratch), []);
  });

  test('dry run: says what it would restore and changes nothing', async () => {
    const before = await readDrillState(stateDir, p.plan.host, new Date().toISOString());
    const r = await runCli('drill', 'restore', ...common, '--scratch', scratch, '--dry-run');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /would restore @home @home\.20260901T020000Z/);
    assert.deepEqual(await readDrillState(stateDir, p.plan.host, new Date().toISOString()), before);
  });

  test('a missing key: a failed record that says so, exit non-zero', async () => {
    const r = await runCli('drill', 'restore', ...common, '--identity-file', join(p.loops.dir, 'no-such-key'), '--scratch', scratch, '--json');
    assert.notEqual(r.code, 0);
    const result = r.json();
    assert.equal(result.outcome, 'failed');
    assert.equal(result.reason.code, 'secret-unreadable');
    assert.equal((await readDrillState(stateDir, p.plan.host, new Date().toISOString())).last.restore?.outcome, 'failed');
  });

  test('a damaged repository: the restore of the damaged point fails, named, and nothing is left', async () => {
    const copy = join(p.loops.dir, 'repo-damaged');
    await cp(repo, copy, { recursive: true });
    const packs = join(copy, p.plan.host, 'packs');
    const pack = join(packs, (await readdir(packs)).sort()[0]!);
    await flipByte(pack, 100);
    const r = await runCli('drill', 'restore', ...common, '--repo', copy, '--scratch', scratch, '--json');
    const result = r.json();
    assert.equal(r.code, 1, r.stderr);
    assert.equal(result.outcome, 'failed');
    const failed = result.subvolumes.filter((s: { ok: boolean }) => !s.ok);
    assert.ok(failed.length >= 1, JSON.stringify(result.subvolumes));
    assert.match(failed[0].error.message, /pack|blob|chunk/);
    assert.deepEqual(await scratchLeftovers(scratch), []);
  });

  test('a scratch filesystem without room: refused before anything is restored, recorded as failed', async () => {
    const small = await createLoopBtrfs({ sizeMiB: 160 });
    try {
      const dir = join(small.mountPoint, 'scratch');
      const r = await runCli('drill', 'restore', ...common, '--scratch', dir, '--json');
      const result = r.json();
      assert.equal(r.code, 1);
      assert.equal(result.reason.code, 'drill-scratch-full');
      assert.match(result.reason.message, /needs .* free for the restore, has /);
      assert.deepEqual(result.subvolumes, []);
      assert.deepEqual(await readdir(dir), []);
    } finally {
      await small.dispose();
    }
  });

  test('kill -9 of panther drill mid-restore: the drill dies with it, the kernel takes the scratch away, the record says interrupted', async (t) => {
    // Enough data that the restore takes a while: the kill lands while the scratch filesystem is mounted.
    const big = join(p.root, 'home', 'big');
    await mkdir(big, { recursive: true });
    for (let i = 0; i < 6; i++) await writeFile(join(big, `r${i}.bin`), seededBytes(`big-${i}`, 8 * 1024 * 1024));
    const later = '2026-09-02T02:00:00.000Z';
    assert.equal((await runCli('snapshot', 'run', ...common.slice(0, 6), '--now', later)).code, 0);
    const b = await runCli('backup', 'run', ...common, '--ignore-window', '--bandwidth', 'unlimited', '--now', later);
    assert.equal(b.code, 0, b.stderr);
    const child = spawn(NODE, [MAIN, 'drill', 'restore', ...common, '--scratch', scratch], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const closed = new Promise<void>((done) => child.on('close', () => done()));
    let mounted = false;
    for (let i = 0; i < 600 && !mounted; i++) {
      mounted = (await scratchLeftovers(scratch)).some((l) => l.startsWith('loop')) && /@home: receiving/.test(stderr);
      if (!mounted) await sleep(20);
    }
    assert.ok(mounted, `the drill mounted its scratch filesystem and started on @home: ${stderr}`);
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await closed;
    let left = await scratchLeftovers(scratch);
    for (let i = 0; i < 100 && left.length > 0; i++) { await sleep(100); left = await scratchLeftovers(scratch); }
    assert.deepEqual(left, [], 'no loop device, no image');
    t.diagnostic(`scratch gone ${Date.now() - killedAt} ms after the kill`);
    const status = await runCli('drill', 'status', '--plan', common[1]!, '--state-dir', stateDir, '--json');
    assert.equal(status.code, 1);
    assert.equal(status.json().last.restore.outcome, 'interrupted');
    t.diagnostic(status.json().last.restore.reason.message);
    const again = await runCli('drill', 'restore', ...common, '--scratch', scratch, '--json');
    assert.equal(again.code, 0, again.stderr);
    const state = await readDrillState(stateDir, p.plan.host, new Date().toISOString());
    assert.equal(state.history.at(-1)?.outcome, 'interrupted', 'the killed drill is in the history');
  });
});

describe('panther drill against the local S3 server, with injected faults', { skip, timeout: 20 * 60_000 }, () => {
  let p: Provisioned;
  let stack: S3Stack;
  let common: string[];
  let scratch: string;

  before(async () => {
    stack = await startS3Stack({ seed: 14, faults: { failRate: 0.08, resetRate: 0.04, delayMs: [0, 5], ops: ['GetObject', 'HeadObject', 'ListObjectsV2'] } });
    p = await provisionSpecHost('yoga', {}, 1024);
    const planFile = join(p.loops.dir, 'plan.json');
    await writeFile(planFile, renderJson(p.plan));
    const key = await writeAgeIdentity(p.loops.dir);
    const url = `s3://${TEST_BUCKET}/fleet?endpoint=${encodeURIComponent(stack.proxy.endpoint)}&region=${TEST_REGION}&credentials=${encodeURIComponent(stack.credentialsFile)}&maxAttempts=12`;
    scratch = join(p.loops.dir, 'scratch');
    const stateDir = join(p.loops.dir, 'state');
    common = ['--plan', planFile, '--root', p.root, '--lock', join(p.loops.dir, 'host.lock'), '--repo', url, '--identity-file', key.identityFile, '--state-dir', stateDir];
    await initRepo({ url, host: p.plan.host, identityFile: key.identityFile, recipients: [key.recipient] });
    const data = join(p.root, 'home');
    await mkdir(join(data, 'app'), { recursive: true });
    for (let i = 0; i < 8; i++) await writeFile(join(data, 'app', `f${i}.bin`), seededBytes(`s3-${i}`, 300_000));
    assert.equal((await runCli('snapshot', 'run', ...common.slice(0, 6), '--now', NOW)).code, 0);
    const backup = await runCli('backup', 'run', ...common, '--ignore-window', '--bandwidth', 'unlimited', '--now', NOW);
    assert.equal(backup.code, 0, backup.stderr);
  });
  after(async () => {
    await p?.dispose();
    await stack?.stop();
  });

  test('restore and disaster drills pass through 503s and resets, count what they downloaded against the budget', async () => {
    stack.proxy.resetStats();
    const r = await runCli('drill', 'restore', ...common, '--scratch', scratch, '--json');
    const result = r.json();
    assert.equal(r.code, 0, `${r.stderr}\n${JSON.stringify(result, null, 2)}`);
    assert.ok(stack.proxy.stats.injected503 + stack.proxy.stats.resetsBefore + stack.proxy.stats.resetsAfter > 0, `faults were injected: ${JSON.stringify(stack.proxy.stats)}`);
    assert.ok(result.download.bytes > 2_000_000, `downloaded ${result.download.bytes}`);
    assert.equal(result.download.budgetUsd, Math.round(p.plan.backup.monthlyBudgetUsd * 0.1 * 100) / 100);
    assert.equal(result.download.usd, 0, 'within the free daily allowance');
    const home = result.subvolumes.find((s: { subvolume: string }) => s.subvolume === '@home');
    assert.equal(home.verifiedAgainst, 'source-snapshot');
    assert.equal(home.rto.objectiveMinutes, p.plan.objectives.rtoMinutes);
    assert.ok(home.rto.impliedMinutesAtLink > 0);
    assert.equal(result.validation.encryption.ok, true);

    const d = await runCli('drill', 'disaster', ...common, '--scratch', scratch, '--json');
    assert.equal(d.code, 0, d.stderr);
    assert.ok(d.json().subvolumes.every((s: { verifiedAgainst: string }) => s.verifiedAgainst === 'stream-hash'));
    assert.deepEqual(await scratchLeftovers(scratch), []);
  });
});

describe('panther drill restore starts the PostgreSQL and Redis of a backed-up server on the restored data', { skip: skip || postgresSkipReason(), timeout: 20 * 60_000 }, () => {
  let p: Provisioned;
  let common: string[];
  let scratch: string;
  let pg: PgServer | undefined;
  let redis: RedisServer | undefined;

  before(async () => {
    p = await provisionSpecHost('hetzner', {}, 1536);
    const runDir = join(p.loops.dir, 'run');
    await mkdir(runDir, { mode: 0o711 });
    await openForPostgres(p.loops.dir, p.root, join(p.root, 'var'), join(p.root, 'var', 'lib'), runDir);
    const dataDir = join(p.root, 'var', 'lib', 'postgresql', '15', 'main');
    await pgOwnedDir(join(p.root, 'var', 'lib', 'postgresql', '15'));
    await initPostgres({ dataDir });
    pg = await startPostgres({ dataDir, runDir, name: 'live' });
    const client = new Client(pg.connection);
    await client.connect();
    await client.query('CREATE TABLE orders (id int PRIMARY KEY, note text)');
    await client.query("INSERT INTO orders SELECT g, 'order ' || g FROM generate_series(1, 1234) g");
    await client.query('CREATE TABLE "odd ""name"" here" (x int)');
    await client.query('INSERT INTO "odd ""name"" here" VALUES (1), (2), (3)');
    await client.end();
    redis = await startRedis({ dir: join(p.root, 'var', 'lib', 'redis'), runDir, name: 'live' });
    const r = await redis.connect();
    for (let i = 0; i < 5; i++) await r.command('SET', `key:${i}`, `value ${i}`);
    await r.command('RPUSH', 'queue', 'a', 'b', 'c');
    r.close();
    // The plan's hooks point at these servers, as a host's would at its own.
    const plan = structuredClone(p.plan);
    for (const s of plan.pools.flatMap((x) => x.subvolumes)) {
      if (s.name === '@postgresql') s.hooks = [{ type: 'postgres', host: pg.socketDir, port: pg.port, user: 'postgres', database: 'postgres', failMode: 'closed', timeoutSeconds: 60 }];
      if (s.name === '@redis') s.hooks = [{ type: 'redis', socket: redis.socket, mode: 'save', failMode: 'closed', timeoutSeconds: 60 }];
    }
    const planFile = join(p.loops.dir, 'plan.json');
    await writeFile(planFile, renderJson(plan));
    const key = await writeAgeIdentity(p.loops.dir);
    const repo = join(p.loops.dir, 'repo');
    await initRepo({ url: repo, host: plan.host, identityFile: key.identityFile, recipients: [key.recipient] });
    scratch = join(p.loops.dir, 'scratch');
    common = ['--plan', planFile, '--root', p.root, '--lock', join(p.loops.dir, 'host.lock'), '--repo', repo, '--identity-file', key.identityFile, '--state-dir', join(p.loops.dir, 'state')];
    const snap = await runCli('snapshot', 'run', ...common.slice(0, 6), '--now', NOW);
    assert.equal(snap.code, 0, snap.stderr);
    const backup = await runCli('backup', 'run', ...common, '--ignore-window', '--bandwidth', 'unlimited', '--now', NOW);
    assert.equal(backup.code, 0, backup.stderr);
  });
  after(async () => {
    await pg?.stop();
    await redis?.stop();
    await p?.dispose();
  });

  test('rows and keys counted on the restored copies while the live servers run on', async () => {
    const r = await runCli('drill', 'restore', ...common, '--scratch', scratch, '--json');
    const result = r.json();
    assert.equal(r.code, 0, `${r.stderr}\n${JSON.stringify(result.subvolumes.filter((s: { ok: boolean }) => !s.ok), null, 2)}`);
    const pgDrill = result.subvolumes.find((s: { subvolume: string }) => s.subvolume === '@postgresql').databases;
    assert.equal(pgDrill.length, 1);
    assert.equal(pgDrill[0].kind, 'postgres');
    assert.equal(pgDrill[0].dataDir, '15/main');
    assert.ok(pgDrill[0].answeredAfterMs > 0);
    const app = pgDrill[0].postgres.databases.find((d: { name: string }) => d.name === 'postgres');
    assert.deepEqual({ tables: app.tables, rows: app.rows }, { tables: 2, rows: 1237 });
    assert.ok(pgDrill[0].postgres.amcheck === null || pgDrill[0].postgres.amcheck.indexes >= 1);
    const redisDrill = result.subvolumes.find((s: { subvolume: string }) => s.subvolume === '@redis').databases;
    assert.deepEqual(redisDrill.map((d: { kind: string; redis: unknown }) => [d.kind, d.redis]), [['redis', { keys: 6, sampled: 6 }]]);
    // The live servers were never touched: still answering, on their own sockets.
    const live = new Client(pg!.connection);
    await live.connect();
    assert.equal((await live.query('SELECT count(*)::int AS n FROM orders')).rows[0].n, 1234);
    await live.end();
    assert.deepEqual(await scratchLeftovers(scratch), []);
    assert.deepEqual(await processesUnder(scratch), [], 'no database server of the drill left running');
  });
});
