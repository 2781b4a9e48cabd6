// How a restored Redis is started for a drill (pure): arguments only, no configuration file from the
// restored data (it may name paths, passwords, replicas and modules of the original host). No TCP,
// a socket only the owner may use, nothing saved (`--save ''`, SHUTDOWN NOSAVE at the end).
import { join } from 'node:path';

export interface RedisLayout {
  /** appendonlydir/ (Redis 7) or appendonly.aof (before 7): then Redis must load the AOF, not the RDB. */
  aofDir: string | null;
  aofFile: string | null;
}

export function redisSocket(runDir: string): string {
  return join(runDir, 'redis.sock');
}

export function redisArgs(dataDir: string, runDir: string, layout: RedisLayout): string[] {
  const aof = layout.aofDir !== null || layout.aofFile !== null;
  return [
    '--port', '0',
    '--unixsocket', redisSocket(runDir),
    '--unixsocketperm', '700',
    '--dir', dataDir,
    '--dbfilename', 'dump.rdb',
    '--appendonly', aof ? 'yes' : 'no',
    ...(layout.aofDir === null ? [] : ['--appenddirname', layout.aofDir]),
    ...(layout.aofFile === null ? [] : ['--appendfilename', layout.aofFile]),
    '--save', '',
    '--daemonize', 'no',
    '--protected-mode', 'yes',
    '--logfile', '',
  ];
}

/** Keys per database from `INFO keyspace` ("db0:keys=3,expires=0,avg_ttl=0"). */
export function parseKeyspace(info: ReadonlyMap<string, string>): Array<{ db: number; keys: number }> {
  const out: Array<{ db: number; keys: number }> = [];
  for (const [name, value] of info) {
    const db = /^db(\d+)$/.exec(name);
    const keys = /(?:^|,)keys=(\d+)/.exec(value);
    if (db !== null && keys !== null) out.push({ db: Number(db[1]), keys: Number(keys[1]) });
  }
  return out.sort((a, b) => a.db - b.db);
}

/**
 * One SCAN step run inside the server: TYPE each key and read it by its type, return counts only.
 * Key names never leave the server (they may be private, and may not be UTF-8).
 * KEYS: none. ARGV: cursor, COUNT hint, most keys to read. Returns {next cursor, keys read}.
 */
export const SAMPLE_SCRIPT = `
local r = redis.call('SCAN', ARGV[1], 'COUNT', ARGV[2])
local limit = tonumber(ARGV[3])
local n = 0
for _, k in ipairs(r[2]) do
  if n >= limit then break end
  local t = redis.call('TYPE', k)['ok']
  if t == 'string' then redis.call('GET', k)
  elseif t == 'list' then redis.call('LLEN', k)
  elseif t == 'set' then redis.call('SCARD', k)
  elseif t == 'hash' then redis.call('HLEN', k)
  elseif t == 'zset' then redis.call('ZCARD', k)
  elseif t == 'stream' then redis.call('XLEN', k)
  end
  if t ~= 'none' then n = n + 1 end
end
return {r[1], n}
`;

export function hintForRedisLog(log: string): string {
  if (/Wrong RDB checksum|RDB ERROR DETECTED|CRC error|Short read|Bad file format reading|Unexpected EOF|Internal error in RDB|Invalid RDB|corrupt/i.test(log)) {
    return 'the restored dump.rdb or AOF is damaged: this backup point\'s Redis data is not usable; restore an older point';
  }
  if (/Can't handle RDB format version|RDB format version/i.test(log)) return 'the dump was written by a newer Redis: put the same redis-server version as the database host on the drill\'s PATH';
  if (/module/i.test(log)) return 'the data uses a Redis module\'s types: the drill machine\'s redis-server must load the same module';
  if (/Can't open|Permission denied/i.test(log)) return 'redis-server could not open its files: check the owner and modes of the restored data directory';
  return 'read the server log lines above: redis-server did not start on the restored copy';
}
