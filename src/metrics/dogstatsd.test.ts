import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { dogstatsdConfig } from './dogstatsd-config.ts';
import { DogStatsdSender, MAX_PENDING, dogstatsdLine, type MetricTransport, type OpenTransport } from './dogstatsd.ts';
import { event } from './events.ts';

const ON = dogstatsdConfig({});

function recording(fail = false): { open: OpenTransport; lines: string[]; opened: () => number } {
  const lines: string[] = [];
  let opened = 0;
  const open: OpenTransport = async () => {
    opened += 1;
    const t: MetricTransport = {
      send: (type, name, value, tags, done) => { lines.push(dogstatsdLine(type, name, value, tags)); setImmediate(() => done(fail ? new Error('EHOSTUNREACH') : null)); },
      close: () => undefined,
    };
    return t;
  };
  return { open, lines, opened: () => opened };
}

test('counters go as |c, gauges as |g, with the catalog tags sanitised', async () => {
  const r = recording();
  const s = new DogStatsdSender(ON, r.open);
  s.send([event('pantheros.snapshot.hook_failed', 1, { host: 'yoga', subvol: '@db', hook: 'postgres /run/pg|x' }), event('pantheros.backup.duration', 12.5, { host: 'yoga' })]);
  assert.deepEqual(await s.close(), { sent: 2, dropped: 0 });
  assert.deepEqual(r.lines, ['pantheros.snapshot.hook_failed:1|c|#hook:postgres_/run/pg_x,host:yoga,subvol:_db', 'pantheros.backup.duration:12.5|g|#host:yoga']);
});

test('PANTHER_METRICS=off: the client is never loaded, nothing is sent or counted', async () => {
  const r = recording();
  const s = new DogStatsdSender(dogstatsdConfig({ PANTHER_METRICS: 'off' }), r.open);
  s.send([event('pantheros.snapshot.created', 1, { host: 'h' })]);
  assert.deepEqual(await s.close(), { sent: 0, dropped: 0 });
  assert.equal(r.opened(), 0);
});

test('send errors, and a client that cannot load, are counted as dropped and never thrown', async () => {
  const r = recording(true);
  const s = new DogStatsdSender(ON, r.open);
  s.send([event('pantheros.snapshot.created', 1, { host: 'h' }), event('pantheros.snapshot.failed', 1, { host: 'h' })]);
  assert.deepEqual(await s.close(), { sent: 0, dropped: 2 });
  const broken = new DogStatsdSender(ON, async () => { throw new Error('no module'); });
  broken.send([event('pantheros.snapshot.created', 1, { host: 'h' })]);
  assert.deepEqual(await broken.close(), { sent: 0, dropped: 1 });
  const throwing = new DogStatsdSender(ON, async () => ({ send: () => { throw new Error('sync'); }, close: () => { throw new Error('close'); } }));
  throwing.send([event('pantheros.snapshot.created', 1, { host: 'h' })]);
  assert.deepEqual(await throwing.close(), { sent: 0, dropped: 1 });
});

test('close never waits longer than its timeout for a wedged client', async () => {
  const s = new DogStatsdSender(ON, async () => ({ send: () => undefined, close: () => undefined }));
  s.send([event('pantheros.snapshot.created', 1, { host: 'h' })]);
  const t0 = performance.now();
  assert.deepEqual(await s.close(100), { sent: 0, dropped: 1 });
  assert.ok(performance.now() - t0 < 1000);
});

test('memory is bounded: 100k events into a wedged client keep at most MAX_PENDING, the rest are dropped', async () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const s = new DogStatsdSender(ON, async () => ({ send: () => undefined, close: () => undefined }));
  const e = event('pantheros.snapshot.hook_failed', 1, { host: 'yoga', subvol: '@db', hook: 'x'.repeat(150) });
  for (let i = 0; i < 100_000; i++) s.send([e]);
  gc?.();
  const grown = process.memoryUsage().heapUsed - before;
  assert.equal(s.dropped, 100_000 - MAX_PENDING);
  assert.ok(grown < 16 * 1024 * 1024, `heap grew ${grown} bytes`);
  assert.deepEqual(await s.close(50), { sent: 0, dropped: 100_000 });
});

test('over real UDP: 100k events to a port nobody listens on neither throw nor keep memory', async () => {
  const port = await freePort();
  const s = new DogStatsdSender(dogstatsdConfig({ DD_DOGSTATSD_PORT: String(port) }));
  const before = process.memoryUsage().heapUsed;
  const e = event('pantheros.snapshot.created', 1, { host: 'h' });
  for (let i = 0; i < 100; i++) {
    for (let j = 0; j < 1000; j++) s.send([e]);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const r = await s.close(2000);
  const grown = process.memoryUsage().heapUsed - before;
  assert.equal(r.sent + r.dropped, 100_000);
  assert.ok(grown < 32 * 1024 * 1024, `heap grew ${grown} bytes`);
});

test('over real UDP: the agent receives each metric with DD_TAGS added', async () => {
  const server = createSocket('udp4');
  const got: string[] = [];
  server.on('message', (m) => got.push(...m.toString('utf8').split('\n').filter(Boolean)));
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  try {
    const s = new DogStatsdSender(dogstatsdConfig({ DD_AGENT_HOST: '127.0.0.1', DD_DOGSTATSD_PORT: String(server.address().port), DD_TAGS: 'env:test,team:ops' }));
    s.send([event('pantheros.snapshot.created', 3, { host: 'yoga' }), event('pantheros.backup.check', 0, { host: 'yoga' })]);
    assert.deepEqual(await s.close(), { sent: 2, dropped: 0 });
    await until(() => got.length >= 2);
    const parsed = got.map(parseLine).sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(parsed, [
      { name: 'pantheros.backup.check', value: 0, type: 'g', tags: ['env:test', 'host:yoga', 'team:ops'] },
      { name: 'pantheros.snapshot.created', value: 3, type: 'c', tags: ['env:test', 'host:yoga', 'team:ops'] },
    ]);
  } finally {
    server.close();
  }
});

function parseLine(line: string): { name: string; value: number; type: string; tags: string[] } {
  const m = /^([^:|]+):([^|]+)\|([a-z])(?:\|#(.*))?$/.exec(line);
  assert.ok(m, `not a DogStatsD line: ${line}`);
  return { name: m[1]!, value: Number(m[2]), type: m[3]!, tags: (m[4] ?? '').split(',').filter(Boolean).sort() };
}

async function until(ok: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

async function freePort(): Promise<number> {
  const s: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
