// How a restored cluster is started: the version read, the binary chosen, the settings that keep the
// scratch server private and independent of the original host's files, and the hints.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hintForPostgresLog, majorOfVersionOutput, parsePgVersion, postgresArgs, postgresCandidates, superuserCandidates } from './postgres-settings.ts';
import { hintForQueryError } from './postgres-checks.ts';
import { linksOut } from './postgres-links.ts';

describe('versions', () => {
  test('PG_VERSION holds a major version', () => {
    assert.equal(parsePgVersion('15\n'), '15');
    assert.equal(parsePgVersion('9.6\n'), '9.6');
    assert.equal(parsePgVersion('16'), '16');
    for (const bad of ['', 'abc', '15.2', '../15', '15\n16', '1']) assert.equal(parsePgVersion(bad), null, JSON.stringify(bad));
  });

  test('postgres --version gives the major', () => {
    assert.equal(majorOfVersionOutput('postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n'), '15');
    assert.equal(majorOfVersionOutput('postgres (PostgreSQL) 17.2\n'), '17');
    assert.equal(majorOfVersionOutput('postgres (PostgreSQL) 9.6.24\n'), '9.6');
    assert.equal(majorOfVersionOutput('something else'), null);
  });

  test('Debian\'s versioned directory is tried first', () => {
    assert.equal(postgresCandidates('15')[0], '/usr/lib/postgresql/15/bin/postgres');
  });
});

describe('postgresArgs', () => {
  const args = postgresArgs('/scratch/@pg/15/main', '/run/drill/0-postgres');
  const settings = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-c') {
      const [k, ...v] = args[i + 1]!.split('=');
      settings.set(k!, v.join('='));
    }
  }

  test('the data directory is the restored copy, the configuration ours', () => {
    assert.deepEqual(args.slice(0, 2), ['-D', '/scratch/@pg/15/main']);
    assert.equal(settings.get('config_file'), '/run/drill/0-postgres/postgresql.conf');
    assert.equal(settings.get('hba_file'), '/run/drill/0-postgres/pg_hba.conf');
    assert.equal(settings.get('ident_file'), '/run/drill/0-postgres/pg_ident.conf');
  });

  test('no TCP, the socket only in the run directory, nothing archived or preloaded', () => {
    assert.equal(settings.get('listen_addresses'), '');
    assert.equal(settings.get('unix_socket_directories'), '/run/drill/0-postgres');
    assert.equal(settings.get('unix_socket_permissions'), '0700');
    assert.equal(settings.get('archive_mode'), 'off');
    assert.equal(settings.get('shared_preload_libraries'), '');
    assert.equal(settings.get('ssl'), 'off');
    assert.equal(settings.get('logging_collector'), 'off');
  });

  test('every -c is one argv element (no shell, no quoting)', () => {
    const odd = postgresArgs('/x/it\'s "here"', '/run/a b');
    assert.ok(odd.includes('/x/it\'s "here"'));
    assert.ok(odd.includes('unix_socket_directories=/run/a b'));
  });
});

test('superuser candidates: the owner\'s name, then postgres, once each', () => {
  assert.deepEqual(superuserCandidates('postgres'), ['postgres']);
  assert.deepEqual(superuserCandidates('pgadmin'), ['pgadmin', 'postgres']);
  assert.deepEqual(superuserCandidates(null), ['postgres']);
});

test('hints from the server log', () => {
  assert.match(hintForPostgresLog('PANIC:  could not read file "global/pg_control": read 0 of 296', '15'), /control file/);
  assert.match(hintForPostgresLog('PANIC:  could not locate a valid checkpoint record', '15'), /WAL/);
  assert.match(hintForPostgresLog('FATAL:  database files are incompatible with server', '15'), /PostgreSQL 15/);
  assert.match(hintForPostgresLog('FATAL:  could not access file "timescaledb": No such file or directory', '15'), /extension/);
  assert.match(hintForPostgresLog('FATAL:  data directory "/x" has invalid permissions', '15'), /owner or mode/);
  assert.match(hintForPostgresLog('anything', '15'), /log lines above/);
  assert.match(hintForQueryError('invalid page in block 0 of relation base/16384/16385'), /damaged/);
  assert.match(hintForQueryError('canceling statement due to lock timeout'), /prepared transaction/);
});

test('a WAL or tablespace that links out of the copy is named; in-place ones are fine', () => {
  assert.deepEqual(linksOut([{ name: 'pg_wal', target: null }, { name: 'pg_tblspc/16390', target: null }]), []);
  assert.deepEqual(linksOut([{ name: 'pg_wal', target: '/srv/wal/pg_wal' }, { name: 'pg_tblspc/16384', target: '/var/lib/ts1' }]), [
    'the WAL (pg_wal) is a symlink to "/srv/wal/pg_wal"',
    'tablespace 16384 is a symlink to "/var/lib/ts1"',
  ]);
  assert.deepEqual(linksOut([{ name: 'base/16385', target: '/var/lib/postgresql/15/main/base/16385' }]), ['base/16385 is a symlink to "/var/lib/postgresql/15/main/base/16385"']);
});
