// A restore drill's Redis check: start redis-server on the WRITABLE copy of the restored data, as
// its owner, with arguments only (no configuration from the restored data), a socket in the private
// run directory and no TCP; wait until it answers and has loaded; count the keys, read a sample back
// (inside the server: key names never leave it); SHUTDOWN NOSAVE, always. A database problem is
// returned as ok=false with a reason, never thrown.
import { lstat, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DatabaseCheck, RedisFindings } from '../types.ts';
import { PantherError, isPantherError } from '../../core/errors.ts';
import { findOnPath } from '../../core/find-on-path.ts';
import { connectRedis, type RespClient } from '../../snapshot/hooks/resp.ts';
import { parseInfo } from '../../snapshot/hooks/redis.ts';
import { DEFAULT_ANSWER_TIMEOUT_MS, dataPath, type DatabaseDrillContext } from './context.ts';
import { SAMPLE_SCRIPT, hintForRedisLog, parseKeyspace, redisArgs, redisSocket, type RedisLayout } from './redis-settings.ts';
import { isProgrammingError, reasonOf } from './result.ts';
import { checkDataReachable, dataOwner, lastLines, lendRunDir, logTail, logText, removeRunFiles, startAsOwner, type ServerProcess } from './run-as-owner.ts';

const POLL_MS = 100;
const STOP_GRACE_MS = 15_000;
export const DEFAULT_SAMPLE = 1000;

export interface RedisDrillContext extends DatabaseDrillContext {
  /** Keys read back at most. Default 1000. */
  sample?: number;
}

export async function drillRedis(root: string, dataDir: string, ctx: RedisDrillContext): Promise<DatabaseCheck> {
  const check: DatabaseCheck = { kind: 'redis', dataDir, ok: false, answeredAfterMs: null };
  const signal = ctx.signal ?? new AbortController().signal;
  const logFile = join(ctx.runDir, 'redis.log');
  const socket = redisSocket(ctx.runDir);
  let server: ServerProcess | null = null;
  let giveBack: (() => Promise<void>) | null = null;
  let failure: unknown = null;
  try {
    signal.throwIfAborted();
    const data = dataPath(root, dataDir);
    const program = findOnPath('redis-server');
    if (program === null) throw new PantherError('redis-missing', 'no redis-server on the drill machine', { hint: 'install Redis (Debian: apt-get install redis-server; NixOS: redis on the drill\'s PATH)' });
    const owner = await dataOwner(data);
    if (owner.uid === 0) ctx.log(`the restored ${dataDir} belongs to root: redis-server runs as root`);
    const layout = await readLayout(data, dataDir);
    await checkDataReachable(data, owner);
    giveBack = await lendRunDir(ctx.runDir, owner);
    const started = performance.now();
    server = await startAsOwner({ program, args: redisArgs(data, ctx.runDir, layout), owner, logFile, cwd: data, what: 'redis-server' });
    ctx.log(`redis-server started on the restored ${dataDir} (${layout.aofDir !== null || layout.aofFile !== null ? 'AOF' : 'RDB'}) as uid ${owner.uid}, pid ${server.pid}`);
    const deadline = started + (ctx.timeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS);
    const client = await waitForAnswer(server, { socket, dataDir, logFile, signal, deadline, onAnswer: () => { check.answeredAfterMs = Math.round(performance.now() - started); } });
    try {
      ctx.log(`Redis answered after ${check.answeredAfterMs} ms`);
      check.redis = await readBack(client, ctx.sample ?? DEFAULT_SAMPLE, signal);
      ctx.log(`Redis: ${check.redis.keys} keys, ${check.redis.sampled} read back`);
      check.ok = true;
      // NOSAVE: the scratch copy is not written; the connection closing is the answer.
      await client.command('SHUTDOWN', 'NOSAVE').catch(() => {});
    } finally {
      client.close();
    }
  } catch (error) {
    failure = error;
    if (!isProgrammingError(error)) check.error = reasonOf(signal.aborted ? signal.reason : error, 'redis-drill-failed', `Redis drill of ${dataDir}`);
  } finally {
    if (server !== null) {
      await server.stop('SIGTERM', STOP_GRACE_MS);
      if (!check.ok) ctx.log(`redis-server's log on the restored ${dataDir}:\n${await logTail(logFile, 15)}`);
    }
    await removeRunFiles(ctx.runDir, [basename(logFile), basename(socket)]);
    await giveBack?.();
  }
  if (failure !== null && isProgrammingError(failure)) throw failure;
  return check;
}

/**
 * Which files Redis will load. A symlink among them is refused: it holds a path of the original
 * host, maybe live data here, and with an AOF the scratch server appends to what it loads.
 */
async function readLayout(data: string, dataDir: string): Promise<RedisLayout> {
  const kind = async (relative: string): Promise<'file' | 'dir' | 'link' | null> => {
    try {
      const s = await lstat(join(data, relative));
      return s.isSymbolicLink() ? 'link' : s.isDirectory() ? 'dir' : s.isFile() ? 'file' : null;
    } catch {
      return null;
    }
  };
  const links: string[] = [];
  for (const name of ['dump.rdb', 'appendonlydir', 'appendonly.aof']) if ((await kind(name)) === 'link') links.push(name);
  if ((await kind('appendonlydir')) === 'dir') {
    for (const name of await readdir(join(data, 'appendonlydir'))) if ((await kind(`appendonlydir/${name}`)) === 'link') links.push(`appendonlydir/${name}`);
  }
  if (links.length > 0) {
    throw new PantherError('redis-links-out', `the restored Redis data in ${dataDir} is not started: ${links.map((l) => JSON.stringify(l)).join(', ')} ${links.length === 1 ? 'is a symlink' : 'are symlinks'}, to paths of the original host (maybe live data here)`, {
      subject: dataDir, hint: 'keep the RDB and AOF files themselves in Redis\'s dir, not symlinks to them',
    });
  }
  return {
    aofDir: (await kind('appendonlydir')) === 'dir' ? 'appendonlydir' : null,
    aofFile: (await kind('appendonly.aof')) === 'file' ? 'appendonly.aof' : null,
  };
}

interface WaitFor { socket: string; dataDir: string; logFile: string; signal: AbortSignal; deadline: number; onAnswer(): void }

/** Until PING answers PONG (not -LOADING) and INFO says loading:0; a server that exits is reported with its log. */
async function waitForAnswer(server: ServerProcess, w: WaitFor): Promise<RespClient> {
  let last = 'no answer yet';
  let answered = false;
  for (;;) {
    if (!server.running()) {
      const exit = await server.exited;
      const text = await logText(w.logFile);
      const tail = lastLines(text);
      throw new PantherError('redis-exited', `redis-server exited while loading the restored ${w.dataDir} (${exit.signal ?? `exit code ${exit.code}`}):\n${tail}`, {
        subject: w.dataDir, hint: hintForRedisLog(text),
      });
    }
    if (performance.now() > w.deadline) {
      const tail = await logTail(w.logFile);
      throw new PantherError('redis-start-timeout', `redis-server did not finish loading the restored ${w.dataDir} in time (last: ${last}):\n${tail}`, {
        subject: w.dataDir, hint: 'loading a big dataset takes long: give the drill more time; otherwise read the log lines above',
      });
    }
    let client: RespClient | null = null;
    try {
      client = await connectRedis({ socket: w.socket }, w.signal);
      if ((await client.command('PING')) === 'PONG') {
        if (!answered) { answered = true; w.onAnswer(); }
        if (parseInfo(String(await client.command('INFO', 'persistence'))).get('loading') === '0') return client;
        last = 'still loading';
      }
    } catch (error) {
      w.signal.throwIfAborted();
      last = isPantherError(error) || error instanceof Error ? error.message : String(error);
    }
    client?.close();
    await sleep(POLL_MS, undefined, { signal: w.signal });
  }
}

async function readBack(client: RespClient, sample: number, signal: AbortSignal): Promise<RedisFindings> {
  const keyspace = parseKeyspace(parseInfo(String(await client.command('INFO', 'keyspace'))));
  let sampled = 0;
  for (const { db } of keyspace) {
    await client.command('SELECT', String(db));
    let cursor = '0';
    do {
      signal.throwIfAborted();
      const reply = await client.command('EVAL', SAMPLE_SCRIPT, '0', cursor, '100', String(sample - sampled));
      if (!Array.isArray(reply) || reply.length !== 2) throw new PantherError('redis-protocol', `unexpected reply to the sampling script: ${JSON.stringify(reply)}`);
      cursor = String(reply[0]);
      sampled += Number(reply[1]);
    } while (cursor !== '0' && sampled < sample);
    if (sampled >= sample) break;
  }
  return { keys: keyspace.reduce((n, d) => n + d.keys, 0), sampled };
}
