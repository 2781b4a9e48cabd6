// Redis before a snapshot: write a fresh RDB (NOTES 10), so the snapshot holds every key written
// before the hook ran. 'save' blocks the server for the save; 'bgsave' forks and we poll until
// our own save (accepted only when no other runs) has finished, bounded by the phase's signal.
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HookConfig } from '../../plan/types.ts';
import type { HookContext, SnapshotHook } from './types.ts';
import { PantherError, isPantherError } from '../../core/errors.ts';
import { connectRedis, describeAddress, type RespClient, type RespValue } from './resp.ts';
import { sameSubvolume } from './same-subvolume.ts';

/** The plan's redis hook plus, optionally, a file holding the AUTH password (never the password itself). */
export type RedisHookConfig = Extract<HookConfig, { type: 'redis' }> & { passwordFile?: string };

const POLL_MS = 50;
// Another save (a save point, a replica sync) holds the fork: wait for it, then ask again.
const BUSY = /in progress|child process is active|another child/i;

export function redisHook(config: RedisHookConfig): SnapshotHook {
  const where = describeAddress(config);
  return {
    name: `redis ${where}`,
    async before(ctx) {
      const redis = await connectRedis(config, ctx.signal);
      try {
        if (config.passwordFile !== undefined) await authenticate(redis, config.passwordFile);
        await checkDumpLocation(redis, ctx);
        const started = performance.now();
        const how = config.mode === 'save' ? await save(redis, ctx) : await bgsave(redis, ctx);
        return `${how} done in ${Math.round(performance.now() - started)} ms`;
      } finally {
        redis.close();
      }
    },
    // The RDB is written; nothing was paused or changed that needs undoing.
    after: async () => 'nothing to undo',
  };
}

async function authenticate(redis: RespClient, passwordFile: string): Promise<void> {
  let password: string;
  try {
    password = (await readFile(passwordFile, 'utf8')).replace(/\r?\n$/, '');
  } catch (error) {
    throw new PantherError('redis-password-file', `cannot read the Redis password file ${passwordFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      subject: passwordFile, cause: error, hint: 'check the path in the hook\'s passwordFile and that root can read it',
    });
  }
  try {
    await redis.command('AUTH', password);
  } catch (error) {
    // Redis's error text does not contain the password, but say only what is needed.
    throw new PantherError('redis-auth', `Redis refused the password from ${passwordFile}`, { subject: passwordFile, cause: error, hint: 'check requirepass / the ACL user and the file\'s content' });
  }
}

/** The RDB must be written inside the subvolume being snapshotted, or the snapshot misses it. */
async function checkDumpLocation(redis: RespClient, ctx: HookContext): Promise<void> {
  let dir: string;
  try {
    dir = String(pairs(await redis.command('CONFIG', 'GET', 'dir')).get('dir') ?? '');
  } catch (error) {
    // CONFIG is often renamed away on hardened servers; the save itself still helps.
    ctx.log(`cannot read CONFIG GET dir (${isPantherError(error) ? error.message : String(error)}); not checking where the RDB is written`);
    return;
  }
  if (dir !== '' && !(await sameSubvolume(dir, ctx.subvolumePath))) {
    throw new PantherError('redis-dump-elsewhere', `Redis writes its RDB to ${dir}, which is not on the subvolume ${ctx.subvolumePath} being snapshotted`, {
      subject: dir, hint: 'point the hook at the Redis instance whose `dir` is inside this subvolume, or move `dir` there',
    });
  }
}

async function save(redis: RespClient, ctx: HookContext): Promise<string> {
  await whenIdle(redis, ctx, () => redis.command('SAVE'));
  return 'SAVE';
}

/** Runs `request` until Redis accepts it, waiting out saves that others started. */
async function whenIdle(redis: RespClient, ctx: HookContext, request: () => Promise<RespValue>): Promise<void> {
  for (let waited = false; ; waited = true) {
    try {
      await request();
      return;
    } catch (error) {
      if (!(isPantherError(error) && BUSY.test(error.message))) throw error;
      // That save began before our request and may miss the newest writes: wait, then ask again.
      if (!waited) ctx.log(`another save is running (${error.message}); waiting to start our own`);
      await sleep(POLL_MS, undefined, { signal: ctx.signal });
    }
  }
}

async function bgsave(redis: RespClient, ctx: HookContext): Promise<string> {
  // Redis accepts BGSAVE only when no other save runs, so once it is accepted the save in progress
  // is ours and started after our request: the first time nothing is in progress, it has ended.
  // (LASTSAVE has one-second resolution and rdb_saves counts only successes: neither can tell.)
  await whenIdle(redis, ctx, () => redis.command('BGSAVE'));
  for (;;) {
    await sleep(POLL_MS, undefined, { signal: ctx.signal });
    const info = await persistence(redis);
    if (info.get('rdb_bgsave_in_progress') !== '0') continue;
    const status = info.get('rdb_last_bgsave_status');
    if (status !== 'ok') {
      throw new PantherError('redis-bgsave-failed', `Redis BGSAVE failed (rdb_last_bgsave_status:${status ?? '?'})`, {
        hint: 'see the Redis log: usually the disk is full or `dir` is not writable',
      });
    }
    return 'BGSAVE';
  }
}

async function persistence(redis: RespClient): Promise<Map<string, string>> {
  return parseInfo(String(await redis.command('INFO', 'persistence')));
}

/** `INFO` text → key/value map (sections and comments dropped). */
export function parseInfo(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (line.startsWith('#') || colon < 0) continue;
    map.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return map;
}

function pairs(reply: RespValue): Map<string, RespValue> {
  const map = new Map<string, RespValue>();
  if (!Array.isArray(reply)) return map;
  for (let i = 0; i + 1 < reply.length; i += 2) map.set(String(reply[i]), reply[i + 1]!);
  return map;
}
