// How a restored PostgreSQL cluster is started for a drill (pure). Everything that matters is given on
// the command line: `-c` wins over postgresql.conf and postgresql.auto.conf, which may point at paths,
// libraries and archive commands of the original host. No TCP, our own socket directory, our own
// trust-only pg_hba.conf, nothing archived, nothing preloaded, no fsync (a scratch copy).
import { join } from 'node:path';

/** The major version in PG_VERSION ("15", "9.6"); null when the file does not hold one. */
export function parsePgVersion(text: string): string | null {
  const line = text.trim();
  return /^(\d{2,}|9\.\d)$/.test(line) ? line : null;
}

/** The major version in `postgres --version` output ("postgres (PostgreSQL) 15.18 (Debian …)"). */
export function majorOfVersionOutput(output: string): string | null {
  const m = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(output);
  if (m === null) return null;
  const major = Number(m[1]);
  return major >= 10 ? String(major) : `${m[1]}.${m[2] ?? '0'}`;
}

/** Where a `postgres` of that major version may be, in the order tried (PATH's is checked by version). */
export function postgresCandidates(major: string): string[] {
  return [`/usr/lib/postgresql/${major}/bin/postgres`, `/usr/pgsql-${major}/bin/postgres`];
}

export const PG_PORT = 5432;
export const HBA_TEXT = '# panther drill: the unix socket in the private run directory, trust, nothing else\nlocal all all trust\n';

export interface RunFiles { config: string; hba: string; ident: string; log: string }

export function runFiles(runDir: string): RunFiles {
  return {
    config: join(runDir, 'postgresql.conf'),
    hba: join(runDir, 'pg_hba.conf'),
    ident: join(runDir, 'pg_ident.conf'),
    log: join(runDir, 'postgres.log'),
  };
}

/** The server's arguments. Values are separate argv elements: postgres splits `-c` at the first '='. */
export function postgresArgs(dataDir: string, runDir: string): string[] {
  const files = runFiles(runDir);
  const settings: Array<[string, string]> = [
    ['config_file', files.config],
    ['hba_file', files.hba],
    ['ident_file', files.ident],
    ['listen_addresses', ''],
    ['port', String(PG_PORT)],
    ['unix_socket_directories', runDir],
    ['unix_socket_permissions', '0700'],
    ['archive_mode', 'off'],
    ['shared_preload_libraries', ''],
    ['session_preload_libraries', ''],
    ['local_preload_libraries', ''],
    ['ssl', 'off'],
    ['logging_collector', 'off'],
    ['log_destination', 'stderr'],
    ['lc_messages', 'C'],
    ['cluster_name', 'panther-drill'],
    // A scratch copy: losing it in a crash costs nothing, and the checks only read.
    ['fsync', 'off'],
    ['synchronous_commit', 'off'],
    ['autovacuum', 'off'],
    ['jit', 'off'],
    ['huge_pages', 'off'],
    ['max_connections', '20'],
    ['shared_buffers', '64MB'],
    // Recovery refuses to start below what the cluster holds (logical slots, prepared transactions).
    ['wal_level', 'logical'],
    ['max_replication_slots', '64'],
    ['max_wal_senders', '10'],
    ['max_prepared_transactions', '64'],
    ['hot_standby', 'on'],
  ];
  return ['-D', dataDir, ...settings.flatMap(([k, v]) => ['-c', `${k}=${v}`])];
}

/** Whom to connect as: the cluster's superuser is whoever ran initdb, usually the data's owner. */
export function superuserCandidates(ownerName: string | null): string[] {
  return [...new Set([ownerName, 'postgres'].filter((n): n is string => n !== null && n !== ''))];
}

/** A hint for a server that did not come up, from what its log says. */
export function hintForPostgresLog(log: string, major: string): string {
  if (/pg_control/.test(log)) return 'the restored cluster\'s control file (global/pg_control) is damaged or missing: the backup of this data directory is not usable; restore an older point';
  if (/could not locate a valid checkpoint record|invalid checkpoint record|could not open file "pg_wal|requested WAL segment .* has already been removed|invalid record length|record with incorrect prev-link/.test(log)) {
    return 'the WAL needed for crash recovery is missing or damaged: data and pg_wal must be on the one snapshotted subvolume (the postgres snapshot hook checks this); restore an older point';
  }
  if (/has invalid permissions|has wrong ownership|is not owned by/.test(log)) return 'the restored data directory\'s owner or mode changed: a restore must keep them (0700 or 0750, owned by the postgres user)';
  if (/database files are incompatible with server/.test(log)) return `the cluster needs PostgreSQL ${major}: put that version's postgres on the drill's PATH`;
  if (/could not load library|could not access file/.test(log)) return 'an extension\'s library is missing on the drill machine: install the same extensions as on the database host';
  if (/could not create shared memory|could not map anonymous shared memory|out of memory/i.test(log)) return 'the drill machine has too little memory for the server: free some, or run the drill elsewhere';
  if (/invalid page in block|checksum/.test(log)) return 'a data page failed its checksum: the backup holds damaged data; restore an older point and check the source disk';
  return 'read the server log lines above: the restored copy of this data directory does not start';
}
