// PostgreSQL + btrfs snapshots for real (NOTES 10): a writer commits ids 1, 2, 3 … while read-only
// snapshots of its subvolume are taken through the postgres hook; each snapshot is cloned, a
// second server starts on the clone (crash recovery by WAL replay) and must hold every id that
// was committed before the snapshot began. Then the refusals: WAL or a tablespace on another
// subvolume → fail-closed, no snapshot.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { createSubvolume, readAttrs, setNoCow, snapshotSubvolume } from '../../src/btrfs/index.ts';
import { runSnapshotWithHooks } from '../../src/snapshot/hooks/run-hooks.ts';
import type { HookConfig } from '../../src/plan/types.ts';
import { withLoopBtrfs, fixtureLeftovers } from '../support/loop-btrfs.ts';
import {
  initPostgres, openForPostgres, pgOwnedDir, postgresSkipReason, recoveredFromCrash, serverLeftovers,
  startPostgres, startPostgresOnClone, type PgServer,
} from '../support/postgres.ts';

const skip = postgresSkipReason();
const SNAPSHOTS = 6;
const INTERVAL_MS = 400;
const CHURN_ROWS = 500;

const hookFor = (server: PgServer, failMode: 'closed' | 'open' = 'closed'): HookConfig => ({
  type: 'postgres', host: server.socketDir, port: server.port, user: 'postgres', database: 'postgres', failMode, timeoutSeconds: 60,
});

async function connect(server: PgServer): Promise<Client> {
  const client = new Client(server.connection);
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Inserts 1, 2, 3 … in autocommit; `committed` moves only after COMMIT has returned. */
function startWriter(client: Client) {
  const state = { committed: 0, attempted: 0, running: true, error: null as unknown };
  const done = (async () => {
    while (state.running) {
      const id = state.attempted + 1;
      state.attempted = id;
      try {
        await client.query('INSERT INTO ledger (id) VALUES ($1)', [id]);
      } catch (error) {
        state.error = error;
        return;
      }
      state.committed = id;
    }
  })();
  return { state, stop: async () => { state.running = false; await done; } };
}

/** Bulk churn beside the ledger: 500-row statements, so WAL and dirty pages pile up between checkpoints. */
function startChurn(client: Client) {
  const state = { statements: 0, running: true, error: null as unknown };
  const done = (async () => {
    while (state.running) {
      try {
        await client.query(`INSERT INTO churn (payload) SELECT md5(random()::text) || repeat('x', 900) FROM generate_series(1, ${CHURN_ROWS})`);
        await client.query('DELETE FROM churn WHERE id % 3 = 0 AND id > (SELECT max(id) - 2000 FROM churn)');
      } catch (error) {
        state.error = error;
        return;
      }
      state.statements++;
    }
  })();
  return { state, stop: async () => { state.running = false; await done; } };
}

describe('PostgreSQL snapshots through the postgres hook', { skip }, () => {
  test('every transaction committed before a snapshot is in its clone, after crash recovery', async (t) => {
    await withLoopBtrfs({ sizeMiB: 1536, label: 'panther-pg' }, async (fs) => {
      await openForPostgres(fs.dir);
      const subvolume = join(fs.mountPoint, '@postgresql');
      await createSubvolume(subvolume);
      await setNoCow(subvolume);
      assert.ok((await readAttrs(subvolume)).has('C'), 'No_COW on the empty subvolume root');
      await mkdir(join(fs.mountPoint, 'snapshots'));
      await mkdir(join(fs.mountPoint, 'clones'));
      const dataDir = join(subvolume, 'data');
      await initPostgres({ dataDir });
      assert.ok((await readAttrs(dataDir)).has('C'), 'the data directory inherited No_COW');

      const servers: PgServer[] = [];
      const clients: Client[] = [];
      const log: string[] = [];
      try {
        const live = await startPostgres({ dataDir, runDir: fs.dir, name: 'live' });
        servers.push(live);
        const setup = await connect(live);
        clients.push(setup);
        await setup.query('CREATE TABLE ledger (id integer PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())');
        await setup.query('CREATE TABLE churn (id bigserial PRIMARY KEY, payload text NOT NULL)');
        const writerClient = await connect(live);
        const churnClient = await connect(live);
        clients.push(writerClient, churnClient);
        const writer = startWriter(writerClient);
        const churn = startChurn(churnClient);

        const taken: Array<{ path: string; bound: number; attemptedAfter: number }> = [];
        for (let i = 0; i < SNAPSHOTS; i++) {
          await sleep(INTERVAL_MS);
          const path = join(fs.mountPoint, 'snapshots', `@postgresql.${i}`);
          let bound = -1;
          const run = await runSnapshotWithHooks([hookFor(live)], { subvolumePath: subvolume, signal: AbortSignal.timeout(120_000), log: (l) => log.push(l) }, async () => {
            bound = writer.state.committed;
            await snapshotSubvolume(subvolume, path, { readonly: true });
            return path;
          });
          taken.push({ path: run.result, bound, attemptedAfter: writer.state.attempted });
          assert.equal(run.degraded, false);
          assert.deepEqual(run.outcomes.map((o) => `${o.phase}:${o.ok}`), ['before:true', 'after:true']);
          assert.match(run.outcomes[0]!.message, /^CHECKPOINT done in \d+ ms; data and WAL of .*\/@postgresql\/data are on this subvolume$/);
        }
        await writer.stop();
        await churn.stop();
        assert.equal(writer.state.error, null, `writer failed: ${String(writer.state.error)}`);
        assert.equal(churn.state.error, null, `churn failed: ${String(churn.state.error)}`);
        const { rows: [walRow] } = await setup.query<{ bytes: string }>("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint::text AS bytes");
        assert.ok(taken.every((s, i) => i === 0 || s.bound > taken[i - 1]!.bound), 'the writer made progress between snapshots');

        let clonesStarted = 0;
        let recovered = 0;
        let checked = 0;
        for (const [i, snap] of taken.entries()) {
          const clone = join(fs.mountPoint, 'clones', `pg-${i}`);
          await snapshotSubvolume(snap.path, clone);
          const server = await startPostgresOnClone({ dataDir: join(clone, 'data'), runDir: fs.dir, name: `clone-${i}` });
          servers.push(server);
          clonesStarted++;
          if (await recoveredFromCrash(server)) recovered++;
          const client = await connect(server);
          const { rows } = await client.query<{ n: number; max: number; below: number }>(
            'SELECT count(*)::int AS n, coalesce(max(id), 0)::int AS max, (count(*) FILTER (WHERE id <= $1))::int AS below FROM ledger', [snap.bound]);
          // Reads every page of the churn table too: a torn page would fail its data checksum.
          const { rows: [churned] } = await client.query<{ n: string }>('SELECT count(*)::text AS n FROM churn');
          await client.end();
          assert.ok(Number(churned!.n) > 0, `snapshot ${i}: churn rows present`);
          await server.stop();
          const row = rows[0]!;
          // Unique ids: `below` = bound means none of 1..bound is missing.
          assert.equal(row.below, snap.bound, `snapshot ${i}: ids 1..${snap.bound} all present`);
          assert.equal(row.n, row.max, `snapshot ${i}: no gap (a prefix of the writer's ids)`);
          assert.ok(row.max >= snap.bound && row.max <= snap.attemptedAfter, `snapshot ${i}: max ${row.max} within [${snap.bound}, ${snap.attemptedAfter}]`);
          checked += snap.bound;
        }
        assert.equal(clonesStarted, SNAPSHOTS);
        t.diagnostic(`snapshots under load: ${taken.length}; clones started: ${clonesStarted} (${recovered} replayed WAL); committed transactions checked: ${checked} (bounds ${taken.map((s) => s.bound).join(', ')}; writer committed ${writer.state.committed}); churn: ${churn.state.statements} × ${CHURN_ROWS}-row inserts + deletes, ${Math.round(Number(walRow!.bytes) / 2 ** 20)} MiB of WAL written`);
      } finally {
        for (const c of clients) await c.end().catch(() => {});
        for (const s of servers.reverse()) await s.stop();
      }
    });
  });

  test('refuses (fail-closed, no snapshot) when pg_wal or a tablespace is on another subvolume', async () => {
    await withLoopBtrfs({ sizeMiB: 1024, label: 'panther-pg-spread' }, async (fs) => {
      await openForPostgres(fs.dir);
      const at = (name: string): string => join(fs.mountPoint, name);
      for (const name of ['@pg-wal-apart', '@wal', '@pg', '@tablespace']) await createSubvolume(at(name));
      await initPostgres({ dataDir: at('@pg-wal-apart/data'), walDir: at('@wal/pg_wal') });
      await initPostgres({ dataDir: at('@pg/data') });
      const servers: PgServer[] = [];
      const clients: Client[] = [];
      let snapshots = 0;
      const take = (source: string, target: string) => async (): Promise<string> => {
        snapshots++;
        await snapshotSubvolume(source, target, { readonly: true });
        return target;
      };
      const ctx = (subvolumePath: string) => ({ subvolumePath, signal: AbortSignal.timeout(60_000), log: () => {} });
      try {
        const walApart = await startPostgres({ dataDir: at('@pg-wal-apart/data'), runDir: fs.dir, name: 'wal-apart' });
        servers.push(walApart);
        await assert.rejects(runSnapshotWithHooks([hookFor(walApart)], ctx(at('@pg-wal-apart')), take(at('@pg-wal-apart'), at('snap-wal'))), (e: { code: string; message: string; hint: string }) => {
          assert.equal(e.code, 'hook-failed');
          assert.match(e.message, /the WAL \(pg_wal\) is on .*\/@wal\/pg_wal/);
          assert.match(e.message, /cannot capture several subvolumes at the same instant/);
          assert.match(e.hint, /pg_backup_start\/pg_backup_stop/);
          return true;
        });

        const pg = await startPostgres({ dataDir: at('@pg/data'), runDir: fs.dir, name: 'tablespace' });
        servers.push(pg);
        const client = await connect(pg);
        clients.push(client);
        await pgOwnedDir(at('@tablespace/ts1'));
        await client.query(`CREATE TABLESPACE ts1 LOCATION '${at('@tablespace/ts1')}'`);
        await assert.rejects(runSnapshotWithHooks([hookFor(pg)], ctx(at('@pg')), take(at('@pg'), at('snap-ts'))), /tablespace \d+ is on .*\/@tablespace\/ts1/);
        assert.equal(snapshots, 0, 'takeSnapshot never ran');
        assert.equal(existsSync(at('snap-wal')) || existsSync(at('snap-ts')), false, 'no snapshot exists');

        // Same server without the tablespace: the hook lets the snapshot happen.
        await client.query('DROP TABLESPACE ts1');
        const run = await runSnapshotWithHooks([hookFor(pg)], ctx(at('@pg')), take(at('@pg'), at('snap-ok')));
        assert.equal(run.result, at('snap-ok'));
        assert.equal(existsSync(at('snap-ok/data/PG_VERSION')), true);
      } finally {
        for (const c of clients) await c.end().catch(() => {});
        for (const s of servers.reverse()) await s.stop();
      }
    });
  });

  test('a fail-open postgres hook whose server is down: snapshot taken, degraded', async () => {
    await withLoopBtrfs({ sizeMiB: 256 }, async (fs) => {
      const subvolume = join(fs.mountPoint, '@pg-down');
      await createSubvolume(subvolume);
      const down: HookConfig = { type: 'postgres', host: join(fs.dir, 'no-server'), port: 5999, failMode: 'open', timeoutSeconds: 10 };
      const run = await runSnapshotWithHooks([down], { subvolumePath: subvolume, signal: AbortSignal.timeout(30_000), log: () => {} }, async () => {
        await snapshotSubvolume(subvolume, join(fs.mountPoint, 'snap'), { readonly: true });
        return 'taken';
      });
      assert.equal(run.result, 'taken');
      assert.equal(run.degraded, true);
      assert.equal(run.outcomes[0]?.ok, false);
      assert.match(run.outcomes[0]?.message ?? '', /cannot connect to PostgreSQL at .*no-server:5999/);
    });
  });
});

test('the PostgreSQL tests left no server, mount or loop device behind', { skip }, () => {
  assert.deepEqual(serverLeftovers(), []);
  assert.deepEqual(fixtureLeftovers(), []);
});
