// Which directories are databases, and the walk's bounds: depth, directories read, no symlinks,
// nothing looked for inside a database's directory, hostile names kept as they are.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyDirectory, findDatabases, walkForDatabases, type EntryKind, type Listing, type ReadListing } from './detect.ts';

const listing = (entries: Record<string, EntryKind>): Listing => new Map(Object.entries(entries));

/** A tree in memory: path → entries; a directory not in the map cannot be read. */
function tree(dirs: Record<string, Record<string, EntryKind>>): { read: ReadListing; reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    read: async (relative) => {
      reads.push(relative);
      const entries = dirs[relative];
      return entries === undefined ? null : listing(entries);
    },
  };
}

describe('classifyDirectory', () => {
  test('PostgreSQL needs PG_VERSION and global/pg_control, as files', () => {
    const pg = listing({ PG_VERSION: 'file', global: 'dir', base: 'dir' });
    assert.equal(classifyDirectory(pg, listing({ pg_control: 'file' })), 'postgres');
    assert.equal(classifyDirectory(pg, listing({})), null, 'no pg_control');
    assert.equal(classifyDirectory(pg, null), null, 'global unreadable');
    assert.equal(classifyDirectory(pg, listing({ pg_control: 'other' })), null, 'pg_control a symlink');
    assert.equal(classifyDirectory(listing({ PG_VERSION: 'other', global: 'dir' }), listing({ pg_control: 'file' })), null, 'PG_VERSION a symlink');
    assert.equal(classifyDirectory(listing({ PG_VERSION: 'file', global: 'other' }), listing({ pg_control: 'file' })), null, 'global a symlink');
  });

  test('Redis: an RDB, an AOF directory (7+) or an AOF file (before 7)', () => {
    assert.equal(classifyDirectory(listing({ 'dump.rdb': 'file' }), null), 'redis');
    assert.equal(classifyDirectory(listing({ appendonlydir: 'dir' }), null), 'redis');
    assert.equal(classifyDirectory(listing({ 'appendonly.aof': 'file' }), null), 'redis');
    assert.equal(classifyDirectory(listing({ 'dump.rdb': 'dir' }), null), null);
    assert.equal(classifyDirectory(listing({ 'dump.rdb': 'other' }), null), null, 'a symlinked RDB is not followed');
    assert.equal(classifyDirectory(listing({ 'notes.txt': 'file' }), null), null);
  });
});

describe('walkForDatabases', () => {
  const pgEntries: Record<string, EntryKind> = { PG_VERSION: 'file', global: 'dir', base: 'dir', pg_wal: 'dir' };

  test('breadth-first in name order, relative paths, nothing read inside a database', async () => {
    const t = tree({
      '.': { postgresql: 'dir', redis: 'dir', 'z-last': 'dir' },
      postgresql: { '15': 'dir' },
      'postgresql/15': { main: 'dir' },
      'postgresql/15/main': pgEntries,
      'postgresql/15/main/global': { pg_control: 'file' },
      redis: { 'dump.rdb': 'file', nested: 'dir' },
      'z-last': {},
    });
    assert.deepEqual(await walkForDatabases(t.read), [
      { kind: 'redis', dataDir: 'redis' },
      { kind: 'postgres', dataDir: 'postgresql/15/main' },
    ]);
    assert.ok(!t.reads.some((r) => r.startsWith('redis/') || r === 'postgresql/15/main/base'), `read: ${t.reads.join(', ')}`);
  });

  test('the root itself is "."', async () => {
    const t = tree({ '.': { 'dump.rdb': 'file' } });
    assert.deepEqual(await walkForDatabases(t.read), [{ kind: 'redis', dataDir: '.' }]);
  });

  test('does not go below maxDepth', async () => {
    const t = tree({ '.': { a: 'dir' }, a: { b: 'dir' }, 'a/b': { c: 'dir' }, 'a/b/c': { 'dump.rdb': 'file' } });
    assert.deepEqual(await walkForDatabases(t.read, { maxDepth: 2 }), []);
    assert.ok(!t.reads.includes('a/b/c'));
    assert.deepEqual(await walkForDatabases(t.read, { maxDepth: 3 }), [{ kind: 'redis', dataDir: 'a/b/c' }]);
  });

  test('stops after maxDirectories and says so', async () => {
    const dirs: Record<string, Record<string, EntryKind>> = { '.': {} };
    for (let i = 0; i < 50; i++) {
      dirs['.']![`d${String(i).padStart(2, '0')}`] = 'dir';
      dirs[`d${String(i).padStart(2, '0')}`] = {};
    }
    dirs['d49'] = { 'dump.rdb': 'file' };
    const lines: string[] = [];
    const t = tree(dirs);
    assert.deepEqual(await walkForDatabases(t.read, { maxDirectories: 10, log: (l) => lines.push(l) }), []);
    assert.equal(t.reads.length, 10);
    assert.match(lines.join('\n'), /stopped after 10 directories/);
  });

  test('symlinks and other entries are not entered; unreadable directories are skipped', async () => {
    const lines: string[] = [];
    const t = tree({ '.': { link: 'other', gone: 'dir', ok: 'dir' }, ok: { 'dump.rdb': 'file' } });
    assert.deepEqual(await walkForDatabases(t.read, { log: (l) => lines.push(l) }), [{ kind: 'redis', dataDir: 'ok' }]);
    assert.ok(!t.reads.includes('link'));
    assert.match(lines.join('\n'), /cannot read "gone"/);
  });

  test('hostile names are kept as they are, joined under the root only', async () => {
    const name = '$(rm -rf /) "a b"\n; `x`';
    const t = tree({ '.': { [name]: 'dir' }, [name]: { 'dump.rdb': 'file' } });
    assert.deepEqual(await walkForDatabases(t.read), [{ kind: 'redis', dataDir: name }]);
  });
});

describe('findDatabases on a real tree', () => {
  test('a symlink to a database elsewhere is not followed, and the root must be a directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'panther-detect-'));
    try {
      const outside = join(dir, 'outside');
      mkdirSync(join(outside, 'global'), { recursive: true });
      writeFileSync(join(outside, 'PG_VERSION'), '15\n');
      writeFileSync(join(outside, 'global', 'pg_control'), '');
      const root = join(dir, 'root');
      mkdirSync(join(root, 'redis'), { recursive: true });
      writeFileSync(join(root, 'redis', 'dump.rdb'), '');
      symlinkSync(outside, join(root, 'pg'));
      assert.deepEqual(await findDatabases(root), [{ kind: 'redis', dataDir: 'redis' }]);
      assert.deepEqual(await findDatabases(outside), [{ kind: 'postgres', dataDir: '.' }]);
      await assert.rejects(findDatabases(join(root, 'pg')), (e: { code: string }) => e.code === 'drill-root-not-directory');
      await assert.rejects(findDatabases(join(root, 'missing')), (e: { code: string }) => e.code === 'drill-root-missing');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
