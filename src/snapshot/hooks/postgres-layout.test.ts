// The decision "is all of PostgreSQL's data on the snapshotted subvolume" over a plain view of the
// data directory. The real thing (symlinked pg_wal, a tablespace on another subvolume) runs on
// btrfs in test/integration/db-postgres.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findSpread, type DataLayout } from './postgres-layout.ts';

const SUB = 10n;
const layout = (entries: DataLayout['entries'], dataDev = SUB): DataLayout => ({ dataDir: '/srv/@pg/data', dataDev, subvolumeDev: SUB, entries });
const plain = (name: string) => ({ name, target: null, dev: SUB });

test('everything on the subvolume: nothing to say', () => {
  assert.deepEqual(findSpread(layout([plain('base'), plain('pg_wal'), plain('global')])), []);
});

test('a symlink that stays inside the subvolume is fine', () => {
  assert.deepEqual(findSpread(layout([{ name: 'pg_wal', target: '../wal', dev: SUB }, { name: 'pg_tblspc/16390', target: '/srv/@pg/ts', dev: SUB }])), []);
});

test('WAL, tablespaces and nested subvolumes elsewhere are each named', () => {
  const problems = findSpread(layout([
    plain('base'),
    { name: 'pg_wal', target: '/srv/@wal/pg_wal', dev: 11n },
    { name: 'pg_tblspc/16390', target: '/srv/@ts/ts1', dev: 12n },
    { name: 'pg_stat_tmp', target: null, dev: 13n },
    { name: 'pg_tblspc/16391', target: '/gone', dev: null },
  ]));
  assert.deepEqual(problems, [
    'the WAL (pg_wal) is on /srv/@wal/pg_wal',
    'tablespace 16390 is on /srv/@ts/ts1',
    'pg_stat_tmp is on a nested subvolume or another mount',
    'tablespace 16391 is on /gone (unreachable)',
  ]);
});

test('a data directory that is not on the subvolume at all', () => {
  assert.deepEqual(findSpread(layout([plain('base')], 99n)), ['the data directory /srv/@pg/data itself is not on it']);
});
