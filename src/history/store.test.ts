import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendHistory, History, historyPath, tagKey } from './store.ts';

async function withDir(fn: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'panther-history-'));
  try { await fn(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}

test('appended samples come back per metric and tags, oldest first, across opens', () => withDir((dir) => {
  const now = new Date('2026-12-03T12:00:00Z');
  appendHistory(dir, 'h', [
    { name: 'pantheros.disk.usage', tags: { host: 'h', pool: 'primary' }, value: 0.41, time: '2026-12-01T00:00:00Z' },
    { name: 'pantheros.disk.usage', tags: { pool: 'secondary', host: 'h' }, value: 0.2, time: '2026-12-01T00:00:00Z' },
    { name: 'pantheros.backup.duration', tags: { host: 'h' }, value: 812, time: '2026-12-02T03:00:00Z' },
  ], now);
  appendHistory(dir, 'h', [{ name: 'pantheros.disk.usage', tags: { host: 'h', pool: 'primary' }, value: 0.43, time: '2026-12-02T00:00:00Z' }], now);
  const h = History.open(historyPath(dir, 'h'));
  try {
    assert.deepEqual(h.series('pantheros.disk.usage', 0, { pool: 'primary' }).map((p) => [p.time, p.value]), [['2026-12-01T00:00:00.000Z', 0.41], ['2026-12-02T00:00:00.000Z', 0.43]]);
    assert.equal(h.series('pantheros.disk.usage', Date.parse('2026-12-01T12:00:00Z')).length, 1, 'since');
    assert.equal(h.series('pantheros.backup.duration', 0)[0]!.value, 812);
  } finally {
    h.close();
  }
}));

test('bounded: rows past the cap go oldest first, and rows past the age limit go', () => withDir((dir) => {
  const h = History.open(join(dir, 'x.sqlite'), { maxRows: 100, maxAgeDays: 30 });
  try {
    const now = new Date('2026-12-03T00:00:00Z');
    h.append([{ name: 'm', tags: {}, value: 1, time: '2026-10-01T00:00:00Z' }], now);
    assert.equal(h.rows(), 0, 'older than 30 days: gone at once');
    for (let i = 0; i < 150; i++) h.append([{ name: 'm', tags: {}, value: i, time: new Date(Date.parse('2026-12-01T00:00:00Z') + i * 1000).toISOString() }], now);
    assert.ok(h.rows() <= 100 && h.rows() >= 90, `${h.rows()} rows`);
    assert.equal(h.series('m', 0).at(-1)!.value, 149, 'the newest kept');
    assert.ok(h.series('m', 0)[0]!.value >= 50, 'the oldest dropped');
  } finally {
    h.close();
  }
}));

test('tag order does not make two series; a file that is not a history is refused, not overwritten', async () => {
  assert.equal(tagKey({ b: '2', a: '1' }), tagKey({ a: '1', b: '2' }));
  await withDir(async (dir) => {
    const path = join(dir, 'history-h.sqlite');
    await writeFile(path, 'not a database at all, and long enough to not look empty to sqlite...');
    assert.throws(() => History.open(path), (e: Error & { code?: string }) => e.code === 'history-unreadable');
  });
  assert.throws(() => historyPath('/tmp', '../evil'), /cannot name a state file/);
});
