// Restore drills' database checks against real servers (issue 14). A PostgreSQL cluster (three
// databases, a hostile table and database name, a partitioned table), a Redis with an RDB and one
// with an AOF live in one btrfs subvolume; a read-only snapshot is taken while all three run (what a
// drill restores: crash-consistent, postmaster.pid included), the originals stop, and the drill runs
// on writable clones of it: exact counts, the run directory left empty, no server left behind. Then
// the faults: a damaged pg_control, table page, index page and dump.rdb; a server too slow, a drill
// aborted; no known superuser; data the owner cannot reach; a tablespace or AOF linking out of the
// copy; and the drill process killed with SIGKILL while its server runs (setpriv --pdeathsig must
// take the server down with it).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { appendFile, chmod, chown, cp, mkdir, mkdtemp, readdir, rm, stat, symlink, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { createSubvolume, snapshotSubvolume } from '../../src/btrfs/index.ts';
import { drillDatabases, findDatabases } from '../../src/drill/databases/index.ts';
import { drillPostgres } from '../../src/drill/databases/postgres.ts';
import { drillRedis } from '../../src/drill/databases/redis.ts';
import { alive, startAsOwner } from '../../src/drill/databases/run-as-owner.ts';
import type { DatabaseCheck } from '../../src/drill/types.ts';
import { flipByte } from '../support/flip-byte.ts';
import { createLoopBtrfs, type LoopBtrfs } from '../support/loop-btrfs.ts';
import { initPostgres, isAlive, openForPostgres, pgBin, postgresSkipReason, serverLeftovers, startPostgres, type PgServer } from '../support/postgres.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { BTRFS_TOOLS, skipReason } from '../support/requirements.ts';

const skip = postgresSkipReason() || skipReason({ tools: [...BTRFS_TOOLS, 'redis-server', 'setpriv'] });
const PG_DIR = 'postgresql/15/main';
const HOSTILE_TABLE = 'we"ird \'name\'\nx';
const HOSTILE_DB = 'shop "it\'s" here';

function userIds(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (line === undefined) throw new Error(`no user ${name}`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function chownTree(path: string, ids: { uid: number; gid: number }): Promise<void> {
  await chown(path, ids.uid, ids.gid);
  if (!(await stat(path)).isDirectory()) return;
  for (const name of await readdir(path)) await chownTree(join(path, name), ids);
}

/** Live processes whose working directory is in `dir`: every server process the drill starts there. */
function processesIn(dir: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cwd = readlinkSync(`/proc/${name}/cwd`);
      if ((cwd === dir || cwd.startsWith(`${dir}/`)) && isAlive(Number(name))) found.push(Number(name));
    } catch { /* gone, or a kernel thread */ }
  }
  return found;
}

async function until(what: string, ms: number, ok: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

describe('restore drill: databases on a restored copy', { skip }, () => {
  let fs: LoopBtrfs;
  let snapshot = '';
  let runs = 0;
  /** Data files of app's items table and its primary key index, relative to the data directory. */
  const files = { heap: '', index: '' };
  const lines: string[] = [];
  const log = (line: string): void => { lines.push(line); };

  /** A writable clone of the snapshot, Redis data owned by the redis user (as on a real host). */
  async function clone(name: string): Promise<string> {
    const path = join(fs.mountPoint, 'clones', name);
    await snapshotSubvolume(snapshot, path);
    const redis = userIds('redis');
    await chownTree(join(path, 'redis'), redis);
    await chownTree(join(path, 'cache'), redis);
    return path;
  }

  async function runDir(): Promise<string> {
    const dir = join(fs.dir, `run-${++runs}`);
    await mkdir(dir, { mode: 0o700 });
    return dir;
  }

  async function assertNothingLeft(cloneRoot: string, dir: string): Promise<void> {
    await until('the drill\'s servers to be gone', 10_000, () => processesIn(cloneRoot).length === 0);
    assert.deepEqual(await readdir(dir), [], 'the run directory is empty');
    assert.equal((await stat(dir)).uid, 0, 'the run directory is given back');
  }

  before(async () => {
    fs = await createLoopBtrfs({ sizeMiB: 1024, label: 'panther-drill-db' });
    await openForPostgres(fs.dir);
    const data = join(fs.mountPoint, '@data');
    await createSubvolume(data);
    await mkdir(join(data, 'postgresql', '15'), { recursive: true });
    await mkdir(join(data, 'redis'));
    await mkdir(join(data, 'cache', 'redis-aof'), { recursive: true });
    await mkdir(join(fs.mountPoint, 'clones'));
    await initPostgres({ dataDir: join(data, PG_DIR) });

    let pg: PgServer | null = null;
    let rdb: RedisServer | null = null;
    let aof: RedisServer | null = null;
    try {
      pg = await startPostgres({ dataDir: join(data, PG_DIR), runDir: fs.dir, name: 'live' });
      const admin = new Client(pg.connection);
      await admin.connect();
      await admin.query('CREATE DATABASE app');
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(HOSTILE_DB)}`);
      await admin.end();
      const app = new Client({ ...pg.connection, database: 'app' });
      await app.connect();
      await app.query('CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)');
      await app.query("INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 1000) g");
      await app.query(`CREATE TABLE ${app.escapeIdentifier(HOSTILE_TABLE)} (v int)`);
      await app.query(`INSERT INTO ${app.escapeIdentifier(HOSTILE_TABLE)} SELECT g FROM generate_series(1, 7) g`);
      await app.query('CREATE TABLE events (id int, kind int) PARTITION BY LIST (kind)');
      await app.query('CREATE TABLE events_a PARTITION OF events FOR VALUES IN (1)');
      await app.query('CREATE TABLE events_b PARTITION OF events FOR VALUES IN (2)');
      await app.query('INSERT INTO events SELECT g, 1 + (g % 3 = 0)::int FROM generate_series(1, 30) g');
      const { rows: [paths] } = await app.query<{ heap: string; index: string }>("SELECT pg_relation_filepath('items') AS heap, pg_relation_filepath('items_pkey') AS index");
      Object.assign(files, paths);
      await app.end();
      const shop = new Client({ ...pg.connection, database: HOSTILE_DB });
      await shop.connect();
      await shop.query('CREATE SCHEMA sales');
      await shop.query('CREATE TABLE sales.orders (id int PRIMARY KEY, total numeric)');
      await shop.query('INSERT INTO sales.orders SELECT g, g * 1.5 FROM generate_series(1, 42) g');
      await shop.end();

      rdb = await startRedis({ dir: join(data, 'redis'), runDir: fs.dir, name: 'live-rdb' });
      const r = await rdb.connect();
      for (let i = 0; i < 5; i++) await r.command('SET', `s:${i}`, `value ${i}`);
      await r.command('SET', 'key with\nnewline and "quotes"', 'x');
      await r.command('RPUSH', 'list:a', '1', '2', '3');
      await r.command('RPUSH', 'list:b', '1');
      await r.command('SADD', 'set', 'a', 'b');
      await r.command('HSET', 'hash', 'f', 'v', 'g', 'w');
      await r.command('ZADD', 'zset', '1', 'a', '2', 'b');
      await r.command('XADD', 'stream', '*', 'f', 'v');
      await r.command('SELECT', '3');
      await r.command('SET', 'other-db:1', 'x');
      await r.command('SET', 'other-db:2', 'y');
      await r.command('SAVE'); // what the snapshot hook does before a snapshot
      r.close();

      aof = await startRedis({ dir: join(data, 'cache', 'redis-aof'), runDir: fs.dir, name: 'live-aof' });
      const a = await aof.connect();
      for (let i = 0; i < 3; i++) await a.command('SET', `before-aof:${i}`, 'x');
      await a.command('CONFIG', 'SET', 'appendonly', 'yes');
      for (;;) {
        const info = String(await a.command('INFO', 'persistence'));
        if (/aof_rewrite_in_progress:0/.test(info) && /aof_rewrite_scheduled:0/.test(info) && /aof_enabled:1/.test(info)) break;
        await sleep(50);
      }
      // Only in the AOF's increment: no RDB is written after these.
      for (let i = 0; i < 4; i++) await a.command('SET', `after-aof:${i}`, 'y');
      a.close();

      // The snapshot hook's CHECKPOINT: afterwards no WAL record rewrites the pages the fault tests damage.
      const checkpoint = new Client(pg.connection);
      await checkpoint.connect();
      await checkpoint.query('CHECKPOINT');
      await checkpoint.end();
      // While everything runs: what a backup of this subvolume holds.
      snapshot = join(fs.mountPoint, '@data.snapshot');
      await snapshotSubvolume(data, snapshot, { readonly: true });
    } finally {
      await pg?.stop();
      await rdb?.stop();
      await aof?.stop();
    }
  });

  after(async () => {
    assert.deepEqual(serverLeftovers(), []);
    await fs?.dispose();
  });

  test('finds the databases, starts each on the restored copy, and counts exactly', async (t) => {
    const root = await clone('ok');
    // The restored copy's own settings point at the original host: the drill must not depend on them.
    await appendFile(join(root, PG_DIR, 'postgresql.auto.conf'),
      "shared_preload_libraries = 'panther_no_such_library'\narchive_mode = on\narchive_command = 'false'\nssl = on\nssl_cert_file = '/nonexistent/server.crt'\n");
    await appendFile(join(root, PG_DIR, 'postgresql.conf'), "hba_file = '/etc/postgresql/15/main/pg_hba.conf'\n");
    assert.ok((await readdir(join(root, PG_DIR))).includes('postmaster.pid'), 'the snapshot holds the running server\'s postmaster.pid');

    assert.deepEqual(await findDatabases(root), [
      { kind: 'redis', dataDir: 'redis' },
      { kind: 'redis', dataDir: 'cache/redis-aof' },
      { kind: 'postgres', dataDir: PG_DIR },
    ]);
    const dir = await runDir();
    const checks = await drillDatabases(root, { runDir: dir, log });
    const byDir = new Map(checks.map((c) => [c.dataDir, c]));
    const pg = byDir.get(PG_DIR)!;
    assert.equal(pg.ok, true, JSON.stringify(pg.error));
    assert.deepEqual(pg.postgres!.databases, [
      { name: 'app', tables: 3, rows: 1000 + 7 + 30 },
      { name: 'postgres', tables: 0, rows: 0 },
      { name: HOSTILE_DB, tables: 1, rows: 42 },
    ]);
    assert.ok(pg.postgres!.amcheck !== null && pg.postgres!.amcheck.indexes >= 2, `amcheck ran: ${JSON.stringify(pg.postgres!.amcheck)}`);
    assert.ok(typeof pg.answeredAfterMs === 'number' && pg.answeredAfterMs > 0);

    const rdb = byDir.get('redis')!;
    assert.equal(rdb.ok, true, JSON.stringify(rdb.error));
    assert.deepEqual(rdb.redis, { keys: 14, sampled: 14 });
    assert.ok(typeof rdb.answeredAfterMs === 'number' && rdb.answeredAfterMs > 0);
    const aof = byDir.get('cache/redis-aof')!;
    assert.equal(aof.ok, true, JSON.stringify(aof.error));
    assert.deepEqual(aof.redis, { keys: 7, sampled: 7 });

    await assertNothingLeft(root, dir);
    assert.equal((await stat(dir)).mode & 0o777, 0o700, 'the run directory is closed again');
    assert.ok(lines.some((l) => l.includes('set aside postgresql.auto.conf')));
    assert.ok(lines.some((l) => l.startsWith('PostgreSQL replayed WAL (crash recovery)')), 'the copy was crash-consistent: recovery ran');
    assert.ok(!lines.some((l) => l.includes('newline and')), 'no key name reaches the log');

    // The sample is bounded.
    const sampleDir = await runDir();
    const sampled = await drillRedis(root, 'redis', { runDir: sampleDir, log, sample: 5 });
    assert.deepEqual(sampled.redis, { keys: 14, sampled: 5 });
    await assertNothingLeft(root, sampleDir);
    t.diagnostic(`answered after: postgres ${pg.answeredAfterMs} ms (crash recovery), redis RDB ${rdb.answeredAfterMs} ms, redis AOF ${aof.answeredAfterMs} ms; amcheck indexes ${pg.postgres!.amcheck?.indexes}`);
  });

  test('a damaged pg_control: ok=false with the server log and a hint, nothing left running', async () => {
    const root = await clone('bad-pg');
    await truncate(join(root, PG_DIR, 'global', 'pg_control'), 0);
    const dir = await runDir();
    const check: DatabaseCheck = await drillPostgres(root, PG_DIR, { runDir: dir, log });
    assert.equal(check.ok, false);
    assert.equal(check.answeredAfterMs, null);
    assert.equal(check.error?.code, 'postgres-exited');
    assert.match(check.error!.message, /pg_control/);
    assert.match(check.error!.hint ?? '', /control file/);
    await assertNothingLeft(root, dir);
  });

  test('a server that does not answer in time, and a drill aborted: stopped all the same', async () => {
    const root = await clone('slow');
    const dir = await runDir();
    const late = await drillPostgres(root, PG_DIR, { runDir: dir, log, timeoutMs: 1 });
    assert.equal(late.ok, false);
    assert.equal(late.error?.code, 'postgres-start-timeout', JSON.stringify(late.error));
    await assertNothingLeft(root, dir);

    const controller = new AbortController();
    const aborted = drillPostgres(root, PG_DIR, { runDir: dir, signal: controller.signal, log: (line) => { if (line.includes(' started on the restored ')) controller.abort(); } });
    const check = await aborted;
    assert.equal(check.ok, false);
    assert.equal(check.error?.code, 'drill-aborted', JSON.stringify(check.error));
    await assertNothingLeft(root, dir);

    const redis = await drillRedis(root, 'redis', { runDir: dir, log, signal: AbortSignal.abort() });
    assert.equal(redis.error?.code, 'drill-aborted');
    await assertNothingLeft(root, dir);
  });

  test('a damaged table page and a damaged index page: found by reading every page and by amcheck', async () => {
    const heapRoot = await clone('bad-heap');
    // Inside page 0's tuple area: the page checksum no longer matches.
    await flipByte(join(heapRoot, PG_DIR, files.heap), 8000);
    const dir = await runDir();
    const heap = await drillPostgres(heapRoot, PG_DIR, { runDir: dir, log });
    assert.equal(heap.ok, false);
    assert.equal(heap.error?.code, 'postgres-read-failed', JSON.stringify(heap.error));
    assert.match(heap.error!.message, /^database "app": reading table public\.items failed: .*invalid page in block 0/);
    assert.match(heap.error!.hint ?? '', /damaged/);
    assert.ok(typeof heap.answeredAfterMs === 'number', 'it started; the data is what failed');
    await assertNothingLeft(heapRoot, dir);

    const indexRoot = await clone('bad-index');
    // Page 1 is the btree's first leaf (page 0 its metapage).
    await flipByte(join(indexRoot, PG_DIR, files.index), 8192 + 8000);
    const index = await drillPostgres(indexRoot, PG_DIR, { runDir: dir, log });
    assert.equal(index.ok, false);
    assert.equal(index.error?.code, 'postgres-index-corrupt', JSON.stringify(index.error));
    assert.match(index.error!.message, /amcheck found index public\.items_pkey damaged/);
    await assertNothingLeft(indexRoot, dir);
  });

  test('the superuser is found when it is not named after the data\'s owner, and its absence is reported', async () => {
    const redisUser = userIds('redis');
    const initdb = pgBin('initdb')!;
    const initAs = async (dir: string, superuser: string): Promise<void> => {
      await mkdir(dir, { mode: 0o700 });
      await chown(dir, redisUser.uid, redisUser.gid);
      execFileSync('runuser', ['-u', 'redis', '--', initdb, '--auth=trust', `--username=${superuser}`, '--locale=C', '--no-sync', '-D', dir], { stdio: 'ignore', timeout: 180_000 });
    };
    // Owned by "redis", superuser "postgres": the drill tries "redis", then "postgres".
    const fallback = join(fs.dir, 'owner-not-superuser');
    await initAs(fallback, 'postgres');
    const dir = await runDir();
    const found = await drillPostgres(fallback, '.', { runDir: dir, log });
    assert.equal(found.ok, true, JSON.stringify(found.error));
    assert.deepEqual(found.postgres!.databases, [{ name: 'postgres', tables: 0, rows: 0 }]);
    await assertNothingLeft(fallback, dir);

    const none = join(fs.dir, 'no-known-superuser');
    await initAs(none, 'pgadmin');
    const missing = await drillPostgres(none, '.', { runDir: dir, log });
    assert.equal(missing.ok, false);
    assert.equal(missing.error?.code, 'postgres-no-superuser', JSON.stringify(missing.error));
    assert.match(missing.error!.message, /none of the roles "redis", "postgres"/);
    await assertNothingLeft(none, dir);
  });

  test('a restored copy the data\'s owner cannot reach is refused before anything starts', async () => {
    const root = await clone('closed');
    const dir = await runDir();
    const clones = join(fs.mountPoint, 'clones');
    await chmod(clones, 0o700);
    try {
      const pg = await drillPostgres(root, PG_DIR, { runDir: dir, log });
      assert.equal(pg.error?.code, 'drill-data-unreachable', JSON.stringify(pg.error));
      assert.match(pg.error!.hint ?? '', new RegExp(`chmod o\\+x ${clones}`));
      assert.ok((await readdir(join(root, PG_DIR))).includes('postmaster.pid'), 'the copy was not touched');
      const redis = await drillRedis(root, 'redis', { runDir: dir, log });
      assert.equal(redis.error?.code, 'drill-data-unreachable');
    } finally {
      await chmod(clones, 0o755);
    }
    await assertNothingLeft(root, dir);
  });

  test('a tablespace or an AOF directory that links out of the copy (maybe to live data) is refused before anything starts', async () => {
    const root = await clone('linked');
    const live = join(fs.dir, 'live-tablespace');
    await mkdir(live);
    await symlink(live, join(root, PG_DIR, 'pg_tblspc', '16999'));
    const dir = await runDir();
    const check = await drillPostgres(root, PG_DIR, { runDir: dir, log });
    assert.equal(check.ok, false);
    assert.equal(check.error?.code, 'postgres-links-out', JSON.stringify(check.error));
    assert.match(check.error!.message, /tablespace 16999 is a symlink to ".*live-tablespace"/);
    assert.deepEqual(await readdir(live), [], 'nothing was written where the link leads');
    assert.ok((await readdir(join(root, PG_DIR))).includes('postmaster.pid'), 'the copy was not touched');

    // Redis with AOF appends to what it loads: an AOF directory linking out must not be opened.
    const aofDir = join(root, 'cache', 'redis-aof', 'appendonlydir');
    const liveAof = join(fs.dir, 'live-aof');
    await cp(aofDir, liveAof, { recursive: true });
    await rm(aofDir, { recursive: true });
    await symlink(liveAof, aofDir);
    const before = await readdir(liveAof);
    const redis = await drillRedis(root, 'cache/redis-aof', { runDir: dir, log });
    assert.equal(redis.error?.code, 'redis-links-out', JSON.stringify(redis.error));
    assert.match(redis.error!.message, /"appendonlydir" is a symlink/);
    assert.deepEqual(await readdir(liveAof), before);
    await assertNothingLeft(root, dir);
  });

  test('a damaged dump.rdb: ok=false, nothing left running', async () => {
    const root = await clone('bad-rdb');
    const dump = join(root, 'redis', 'dump.rdb');
    const size = (await stat(dump)).size;
    await flipByte(dump, Math.floor(size / 2));
    const dir = await runDir();
    const check = await drillRedis(root, 'redis', { runDir: dir, log });
    assert.equal(check.ok, false);
    assert.equal(check.error?.code, 'redis-exited', JSON.stringify(check.error));
    assert.match(check.error!.hint ?? '', /damaged/);
    await assertNothingLeft(root, dir);
  });

  test('the drill killed with SIGKILL while its server runs: the server dies with it', async () => {
    const root = await clone('killed');
    const dir = await runDir();
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'support', 'drill-postgres-child.ts'), root, PG_DIR, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    const exited = once(child, 'exit');
    try {
      await until('the drill\'s server to answer', 60_000, () => out.includes('PostgreSQL answered after') || child.exitCode !== null);
      const pid = Number(/started on the restored .* pid (\d+)/.exec(out)?.[1]);
      assert.ok(pid > 0 && isAlive(pid), `the server runs (${out})`);
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      assert.match(status, new RegExp(`^Uid:\\t${userIds('postgres').uid}\\t`, 'm'), 'the server runs as the data\'s owner');
      assert.ok(processesIn(root).length > 1, 'the server has its children (checkpointer, …)');
      child.kill('SIGKILL');
      await exited;
      await until('the server to die with the drill', 10_000, () => !isAlive(pid));
      await until('every server process to be gone', 10_000, () => processesIn(root).length === 0);
    } finally {
      child.kill('SIGKILL');
      for (const p of processesIn(root)) process.kill(p, 'SIGKILL');
    }
  });
});

describe('a server that ignores the stop signal', { skip: skipReason({ tools: ['setpriv'] }) }, () => {
  test('is killed after the grace period, runs as the owner, and no timer outlives the stop', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'panther-drill-stop-'));
    const nobody = userIds('nobody');
    try {
      const stubborn = await startAsOwner({
        program: process.execPath, args: ['-e', 'process.on("SIGINT", () => {}); setInterval(() => {}, 1000)'],
        owner: { ...nobody, name: 'nobody' }, logFile: join(dir, 'log'), cwd: dir, what: 'a stubborn server',
      });
      await sleep(300);
      assert.match(readFileSync(`/proc/${stubborn.pid}/status`, 'utf8'), new RegExp(`^Uid:\\t${nobody.uid}\\t`, 'm'));
      const before = Date.now();
      await stubborn.stop('SIGINT', 500);
      assert.ok(Date.now() - before >= 500, 'waited the grace period');
      assert.equal(alive(stubborn.pid), false);
      assert.deepEqual(await stubborn.exited, { code: null, signal: 'SIGKILL' });

      const polite = await startAsOwner({ program: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'], owner: { ...nobody, name: 'nobody' }, logFile: join(dir, 'log'), cwd: dir, what: 'a polite server' });
      const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
      await polite.stop('SIGTERM', 60_000);
      assert.equal(alive(polite.pid), false);
      assert.equal(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length, timersBefore, 'the grace timer is cleared');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
