// RESP2 encoding and parsing (replies may arrive split anywhere), INFO parsing, and the client
// against a scripted in-process server.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectRedis, encodeCommand, parseReply } from './resp.ts';
import { parseInfo } from './redis.ts';

describe('RESP2', () => {
  test('encodes commands as arrays of bulk strings, counting bytes', () => {
    assert.equal(encodeCommand(['SET', 'k', 'grüß']).toString(), '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\ngrüß\r\n');
  });

  test('parses every reply type', () => {
    const reply = (text: string): unknown => parseReply(Buffer.from(text), 0)?.value;
    assert.equal(reply('+OK\r\n'), 'OK');
    assert.equal(reply(':1795503932\r\n'), 1795503932);
    assert.equal(reply('$-1\r\n'), null);
    assert.equal(reply('$5\r\nhe\r\no\r\n'), 'he\r\no');
    assert.deepEqual(reply('*2\r\n$3\r\ndir\r\n$9\r\n/srv/@rds\r\n'), ['dir', '/srv/@rds']);
    assert.deepEqual(reply('*2\r\n*1\r\n:1\r\n$-1\r\n'), [[1], null]);
    const error = reply('-ERR Background save already in progress\r\n');
    assert.ok(error instanceof Error);
    assert.equal(error.message, 'ERR Background save already in progress');
  });

  test('an incomplete reply waits for more bytes, at every split point', () => {
    const whole = Buffer.from('*3\r\n$3\r\nabc\r\n:42\r\n+OK\r\n');
    for (let cut = 0; cut < whole.length; cut++) assert.equal(parseReply(whole.subarray(0, cut), 0), null, `cut at ${cut}`);
    assert.deepEqual(parseReply(whole, 0), { value: ['abc', 42, 'OK'], end: whole.length });
  });

  test('INFO text becomes a map', () => {
    const info = parseInfo('# Persistence\r\nloading:0\r\nrdb_bgsave_in_progress:1\r\nrdb_last_bgsave_status:ok\r\n\r\n');
    assert.equal(info.get('rdb_bgsave_in_progress'), '1');
    assert.equal(info.get('rdb_last_bgsave_status'), 'ok');
    assert.equal(info.has('# Persistence'), false);
  });

  test('the client pairs replies with commands, even split across packets, and reports errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'panther-resp-'));
    const path = join(dir, 'fake.sock');
    const server: Server = createServer((socket) => {
      socket.on('data', (data) => {
        const text = data.toString();
        if (text.includes('PING')) { socket.write('+PO'); setTimeout(() => socket.write('NG\r\n'), 20); }
        if (text.includes('BGSAVE')) socket.write('-ERR Background save already in progress\r\n');
      });
    });
    try {
      await new Promise<void>((resolve) => server.listen(path, resolve));
      const client = await connectRedis({ socket: path }, new AbortController().signal);
      try {
        assert.equal(await client.command('PING'), 'PONG');
        await assert.rejects(client.command('BGSAVE'), { code: 'redis-error', message: /already in progress/ });
      } finally {
        client.close();
      }
      await assert.rejects(connectRedis({ socket: join(dir, 'missing.sock') }, new AbortController().signal), { code: 'redis-unreachable' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
