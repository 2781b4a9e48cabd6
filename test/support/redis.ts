// Real redis-server processes for integration tests: started as our own child with a config file in
// the test's temp dir (unix socket only, `port 0`), `dir` on the given path, no AOF, no automatic
// saves (so the only RDB is the one the hook asks for), stopped by PID.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectRedis, type RespClient } from '../../src/snapshot/hooks/resp.ts';
import { stopPid, trackServer } from './postgres.ts';

export interface RedisServer {
  dir: string;
  socket: string;
  pid: number;
  logFile: string;
  /** Set when started with a password: the file holding it (for the hook's passwordFile). */
  passwordFile: string | undefined;
  connect(): Promise<RespClient>;
  stop(): Promise<void>;
}

export interface RedisStartOptions {
  /** Redis `dir`: where dump.rdb is written and, on a clone, read back. */
  dir: string;
  /** The test's temp dir, outside the btrfs mount: socket, config and log go here. */
  runDir: string;
  name: string;
  password?: string;
}

export async function startRedis(opts: RedisStartOptions): Promise<RedisServer> {
  const socket = join(opts.runDir, `redis-${opts.name}.sock`);
  const logFile = join(opts.runDir, `redis-${opts.name}.log`);
  const config = join(opts.runDir, `redis-${opts.name}.conf`);
  let passwordFile: string | undefined;
  const lines = [
    'port 0', `unixsocket ${socket}`, 'unixsocketperm 700', `dir ${opts.dir}`, 'dbfilename dump.rdb',
    'appendonly no', 'save ""', 'daemonize no', `logfile ${logFile}`,
  ];
  if (opts.password !== undefined) {
    passwordFile = join(opts.runDir, `redis-${opts.name}.password`);
    await writeFile(passwordFile, `${opts.password}\n`, { mode: 0o600 });
    lines.push(`requirepass ${opts.password}`);
  }
  // The config holds the password: readable by root only, never on a command line.
  await writeFile(config, `${lines.join('\n')}\n`, { mode: 0o600 });

  const child = spawn('redis-server', [config], { stdio: 'ignore' });
  await once(child, 'spawn');
  const pid = child.pid!;
  trackServer(pid, `redis-server ${opts.name}`);
  const exited = once(child, 'exit');
  const stop = async (): Promise<void> => {
    // SIGTERM: orderly shutdown; with `save ""` it writes nothing more.
    await Promise.all([exited, stopPid(pid, 'SIGTERM', 20_000)]);
  };

  const connect = async (): Promise<RespClient> => {
    const client = await connectRedis({ socket }, AbortSignal.timeout(10_000));
    if (opts.password !== undefined) await client.command('AUTH', opts.password);
    return client;
  };

  try {
    await waitReady(connect, () => child.exitCode !== null || child.signalCode !== null);
  } catch (error) {
    await stop();
    const log = await readFile(logFile, 'utf8').catch(() => '(no log)');
    throw new Error(`redis-server ${opts.name} did not start: ${(error as Error).message}\n${log.split('\n').slice(-10).join('\n')}`);
  }
  return { dir: opts.dir, socket, pid, logFile, passwordFile, connect, stop };
}

/** The clone's `dump.rdb` is what the snapshot captured; Redis loads it on start. */
export function startRedisOnClone(opts: RedisStartOptions): Promise<RedisServer> {
  return startRedis(opts);
}

async function waitReady(connect: () => Promise<RespClient>, exited: () => boolean): Promise<void> {
  const until = Date.now() + 20_000;
  let last: unknown = null;
  while (Date.now() < until) {
    if (exited()) throw new Error('redis-server exited');
    try {
      const client = await connect();
      try {
        // While loading a big RDB, Redis answers -LOADING; wait for PONG.
        if ((await client.command('PING')) === 'PONG') return;
      } finally {
        client.close();
      }
    } catch (error) {
      last = error;
    }
    await sleep(50);
  }
  throw new Error(`not ready after 20 s: ${String(last)}`);
}
