// How a restored Redis is started (arguments only), INFO keyspace, and the hints.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hintForRedisLog, parseKeyspace, redisArgs } from './redis-settings.ts';

const option = (args: string[], name: string): string | undefined => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};

describe('redisArgs', () => {
  test('RDB only: no TCP, a private socket, the restored dir, nothing saved', () => {
    const args = redisArgs('/scratch/redis', '/run/drill/1-redis', { aofDir: null, aofFile: null });
    assert.equal(option(args, '--port'), '0');
    assert.equal(option(args, '--unixsocket'), '/run/drill/1-redis/redis.sock');
    assert.equal(option(args, '--unixsocketperm'), '700');
    assert.equal(option(args, '--dir'), '/scratch/redis');
    assert.equal(option(args, '--dbfilename'), 'dump.rdb');
    assert.equal(option(args, '--appendonly'), 'no');
    assert.equal(option(args, '--save'), '');
    assert.equal(option(args, '--daemonize'), 'no');
    assert.equal(option(args, '--protected-mode'), 'yes');
    assert.equal(args.indexOf('--appenddirname'), -1, 'Redis before 7 does not know it');
  });

  test('an AOF is loaded when there is one', () => {
    const seven = redisArgs('/d', '/r', { aofDir: 'appendonlydir', aofFile: null });
    assert.equal(option(seven, '--appendonly'), 'yes');
    assert.equal(option(seven, '--appenddirname'), 'appendonlydir');
    const six = redisArgs('/d', '/r', { aofDir: null, aofFile: 'appendonly.aof' });
    assert.equal(option(six, '--appendonly'), 'yes');
    assert.equal(option(six, '--appendfilename'), 'appendonly.aof');
  });
});

test('INFO keyspace: keys per database', () => {
  const info = new Map([['db0', 'keys=12,expires=0,avg_ttl=0'], ['db3', 'keys=2,expires=1,avg_ttl=5'], ['loading', '0'], ['db1', 'garbage']]);
  assert.deepEqual(parseKeyspace(info), [{ db: 0, keys: 12 }, { db: 3, keys: 2 }]);
  assert.deepEqual(parseKeyspace(new Map()), []);
});

test('hints from the server log', () => {
  assert.match(hintForRedisLog('--- RDB ERROR DETECTED ---\n[offset 410] RDB CRC error'), /damaged/);
  assert.match(hintForRedisLog('Wrong RDB checksum expected: (1) got: (2). Aborting now.'), /damaged/);
  assert.match(hintForRedisLog("Can't handle RDB format version 12"), /newer Redis/);
  assert.match(hintForRedisLog('The RDB file contains AUX module data I can\'t load: no matching module'), /module/);
  assert.match(hintForRedisLog('something'), /log lines above/);
});
