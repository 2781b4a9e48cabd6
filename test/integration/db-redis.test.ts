// Redis + btrfs snapshots for real (NOTES 10): a writer sets k:1, k:2 … while snapshots of the
// Redis subvolume are taken through the redis hook (SAVE and BGSAVE, AUTH from a password file);
// redis-server started on a clone of each snapshot must hold every key acknowledged before the
// hook ran. One BGSAVE round starts behind a save someone else began: the hook must wait for its
// own. Then: RDB outside the subvolume → refused; Redis not running + fail-open → degraded.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSubvolume, readAttrs, setNoCow, snapshotSubvolume } from '../../src/btrfs/index.ts';
import { runSnapshotWithHooks } from '../../src/snapshot/hooks/run-hooks.ts';
import type { RedisHookConfig } from '../../src/snapshot/hooks/redis.ts';
import type { RespClient } from '../../src/snapshot/hooks/resp.ts';
import { BTRFS_TOOLS, skipReason } from '../support/requirements.ts';
import { withLoopBtrfs, fixtureLeftovers } from '../support/loop-btrfs.ts';
import { serverLeftovers } from '../support/postgres.ts';
import { startRedis, startRedisOnClone, type RedisServer } from '../support/redis.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, 'redis-server'] });
const ROUNDS: ReadonlyArray<{ mode: 'save' | 'bgsave'; behindOtherSave?: boolean }> = [
  { mode: 'save' }, { mode: 'save' }, { mode: 'save' }, { mode: 'save' },
  { mode: 'bgsave' }, { mode: 'bgsave' }, { mode: 'bgsave', behindOtherSave: true }, { mode: 'bgsave' },
];
const FILL_KEYS = 40_000;

/** SET k:n n, one at a time; `acked` moves only after Redis has replied OK. */
function startWriter(client: RespClient) {
  const state = { acked: 0, running: true, error: null as unknown };
  const done = (async () => {
    for (let n = 1; state.running; n++) {
      try {
        await client.command('SET', `k:${n}`, String(n));
      } catch (error) {
        state.error = error;
        return;
      }
      state.acked = n;
    }
  })();
  return { state, stop: async () => { state.running = false; await done; } };
}

/** Every k:1..bound present with its value; returns how many were checked. */
async function checkKeys(client: RespClient, bound: number): Promise<number> {
  for (let from = 1; from <= bound; from += 1000) {
    const keys = Array.from({ length: Math.min(1000, bound - from + 1) }, (_, i) => `k:${from + i}`);
    const values = await client.command('MGET', ...keys) as Array<string | null>;
    const wrong = values.findIndex((v, i) => v !== String(from + i));
    assert.equal(wrong, -1, `k:${from + wrong} is ${String(values[wrong])}`);
  }
  return bound;
}

describe('Redis snapshots through the redis hook', { skip }, () => {
  test('every key acknowledged before the hook ran is in the snapshot (SAVE and BGSAVE)', async (t) => {
    await withLoopBtrfs({ sizeMiB: 1024, label: 'panther-redis' }, async (fs) => {
      const subvolume = join(fs.mountPoint, '@redis');
      await createSubvolume(subvolume);
      await setNoCow(subvolume);
      const dataDir = join(subvolume, 'data');
      await mkdir(dataDir);
      assert.ok((await readAttrs(dataDir)).has('C'), 'No_COW inherited');
      await mkdir(join(fs.mountPoint, 'snapshots'));
      await mkdir(join(fs.mountPoint, 'clones'));

      const servers: RedisServer[] = [];
      const clients: RespClient[] = [];
      const log: string[] = [];
      try {
        const live = await startRedis({ dir: dataDir, runDir: fs.dir, name: 'live', password: randomBytes(12).toString('hex') });
        servers.push(live);
        const loader = await live.connect();
        clients.push(loader);
        // Enough incompressible data that a BGSAVE takes a while, so "behind another save" is real.
        for (let from = 0; from < FILL_KEYS; from += 1000) {
          const pairs = Array.from({ length: 1000 }, (_, i) => [`fill:${from + i}`, randomBytes(256).toString('hex')]).flat();
          await loader.command('MSET', ...pairs);
        }
        const writerClient = await live.connect();
        clients.push(writerClient);
        const writer = startWriter(writerClient);

        const taken: Array<{ path: string; bound: number; mode: string }> = [];
        for (const [i, round] of ROUNDS.entries()) {
          await sleep(150);
          if (round.behindOtherSave) {
            assert.equal(await loader.command('BGSAVE'), 'Background saving started');
            await sleep(20);
          }
          // Acknowledged before the hook's save request: must be in the RDB the snapshot holds.
          const bound = writer.state.acked;
          const path = join(fs.mountPoint, 'snapshots', `@redis.${i}`);
          const hook: RedisHookConfig = { type: 'redis', socket: live.socket, mode: round.mode, failMode: 'closed', timeoutSeconds: 60, ...(live.passwordFile === undefined ? {} : { passwordFile: live.passwordFile }) };
          const run = await runSnapshotWithHooks([hook], { subvolumePath: subvolume, signal: AbortSignal.timeout(120_000), log: (l) => log.push(l) }, async () => {
            await snapshotSubvolume(subvolume, path, { readonly: true });
            return path;
          });
          assert.equal(run.degraded, false);
          assert.match(run.outcomes[0]!.message, round.mode === 'save' ? /^SAVE done in \d+ ms$/ : /^BGSAVE done in \d+ ms$/);
          taken.push({ path: run.result, bound, mode: round.mode });
        }
        await writer.stop();
        assert.equal(writer.state.error, null, `writer failed: ${String(writer.state.error)}`);
        assert.ok(log.some((l) => /another save is running .*waiting to start our own/.test(l)), `the hook waited behind the other save: ${log.join(' | ')}`);

        let clones = 0;
        let checked = 0;
        for (const [i, snap] of taken.entries()) {
          const clone = join(fs.mountPoint, 'clones', `redis-${i}`);
          await snapshotSubvolume(snap.path, clone);
          const server = await startRedisOnClone({ dir: join(clone, 'data'), runDir: fs.dir, name: `clone-${i}` });
          servers.push(server);
          clones++;
          const client = await server.connect();
          try {
            assert.ok(Number(await client.command('DBSIZE')) >= FILL_KEYS + snap.bound, `snapshot ${i} (${snap.mode}): DBSIZE`);
            checked += await checkKeys(client, snap.bound);
          } finally {
            client.close();
          }
          await server.stop();
        }
        t.diagnostic(`snapshots under load: ${taken.length} (${taken.filter((s) => s.mode === 'save').length} SAVE, ${taken.filter((s) => s.mode === 'bgsave').length} BGSAVE); clones started: ${clones}; keys checked: ${checked} (bounds ${taken.map((s) => s.bound).join(', ')}; writer acked ${writer.state.acked}; plus ${FILL_KEYS} fill keys per clone)`);
      } finally {
        for (const c of clients) c.close();
        for (const s of servers.reverse()) await s.stop();
      }
    });
  });

  test('refuses when Redis writes its RDB outside the subvolume; degraded when Redis is down and the hook is fail-open', async () => {
    await withLoopBtrfs({ sizeMiB: 256 }, async (fs) => {
      const at = (name: string): string => join(fs.mountPoint, name);
      await createSubvolume(at('@redis'));
      await createSubvolume(at('@other'));
      let snapshots = 0;
      const take = (target: string) => async (): Promise<string> => {
        snapshots++;
        await snapshotSubvolume(at('@other'), target, { readonly: true });
        return target;
      };
      const ctx = { subvolumePath: at('@other'), signal: AbortSignal.timeout(30_000), log: () => {} };
      const server = await startRedis({ dir: at('@redis'), runDir: fs.dir, name: 'elsewhere' });
      try {
        await assert.rejects(runSnapshotWithHooks([{ type: 'redis', socket: server.socket, mode: 'save', failMode: 'closed', timeoutSeconds: 10 }], ctx, take(at('snap-refused'))),
          /hook redis .* failed before the snapshot .*RDB to .*\/@redis, which is not on the subvolume .*\/@other/);
        assert.equal(snapshots, 0);
      } finally {
        await server.stop();
      }
      const run = await runSnapshotWithHooks([{ type: 'redis', socket: server.socket, mode: 'bgsave', failMode: 'open', timeoutSeconds: 10 }], ctx, take(at('snap-degraded')));
      assert.equal(snapshots, 1);
      assert.equal(run.result, at('snap-degraded'));
      assert.equal(run.degraded, true);
      assert.deepEqual(run.outcomes.map((o) => `${o.phase}:${o.ok}:${o.degraded}`), ['before:false:true', 'after:true:false']);
      assert.match(run.outcomes[0]!.message, /cannot connect to Redis at .*redis-elsewhere\.sock/);
    });
  });
});

test('the Redis tests left no server, mount or loop device behind', { skip }, () => {
  assert.deepEqual(serverLeftovers(), []);
  assert.deepEqual(fixtureLeftovers(), []);
});
