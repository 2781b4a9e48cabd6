// What a drill asks a restored PostgreSQL cluster once it answers: every database that takes
// connections (templates aside), the rows of each table (read from the heap: index scans are off, so
// every page is read and its checksum verified), and amcheck's bt_index_check on every valid btree
// index when the extension is available. Names of databases, schemas and tables are hostile: tables
// are quoted by the server (format('%I.%I')), databases are only connection parameters.
import type { Client } from 'pg';
import type { PostgresFindings } from '../types.ts';
import { PantherError } from '../../core/errors.ts';

const DATABASES = 'SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname';
// Partitions are read through their partitioned table, inheritance children on their own (ONLY).
const TABLES = `SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relkind::text AS kind
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relpersistence <> 't'
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
  ORDER BY 1`;
const INDEXES = `SELECT c.oid::int8::text AS oid, format('%I.%I', n.nspname, c.relname) AS name
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_am am ON am.oid = c.relam
  WHERE am.amname = 'btree' AND i.indisvalid AND i.indisready AND c.relpersistence <> 't'
  ORDER BY c.oid`;
// Read every heap page; do not wait forever on a lock a restored prepared transaction holds.
// A database may be set read-only by default (ALTER DATABASE … SET); the scratch copy may be written.
const SESSION = "SET default_transaction_read_only = off; SET enable_indexscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = off; SET lock_timeout = '60s'";

export type Connect = (database: string) => Promise<Client>;

export async function checkCluster(first: Client, connect: Connect, signal: AbortSignal, log: (line: string) => void): Promise<PostgresFindings> {
  const names = (await first.query<{ datname: string }>(DATABASES)).rows.map((r) => r.datname);
  const amcheck = ((await first.query("SELECT 1 FROM pg_available_extensions WHERE name = 'amcheck'")).rowCount ?? 0) > 0;
  if (!amcheck) log('amcheck is not installed with this server: indexes are not checked');
  const databases: PostgresFindings['databases'] = [];
  let indexes = 0;
  for (const name of names) {
    signal.throwIfAborted();
    let client: Client;
    try {
      client = await connect(name);
    } catch (error) {
      throw new PantherError('postgres-connect-failed', `database ${JSON.stringify(name)}: cannot connect: ${messageOf(error)}`, {
        subject: name, cause: error,
        hint: /locale/i.test(messageOf(error)) ? 'the drill machine lacks the database\'s locale: install it (locale-gen, or i18n.supportedLocales on NixOS)' : 'the restored cluster started but this database does not open: see the message',
      });
    }
    try {
      await client.query(SESSION);
      const counted = await countRows(client, name);
      databases.push({ name, ...counted });
      if (amcheck) indexes += await checkIndexes(client, name);
      log(`database ${JSON.stringify(name)}: ${counted.tables} tables, ${counted.rows} rows`);
    } finally {
      await client.end().catch(() => {});
    }
  }
  return { databases, amcheck: amcheck ? { indexes } : null };
}

async function countRows(client: Client, database: string): Promise<{ tables: number; rows: number }> {
  const tables = (await client.query<{ name: string; kind: string }>(TABLES)).rows;
  let rows = 0;
  for (const table of tables) {
    // table.name was quoted by the server: safe to place in the statement.
    const sql = `SELECT count(*)::text AS n FROM ${table.kind === 'r' ? 'ONLY ' : ''}${table.name}`;
    try {
      rows += Number((await client.query<{ n: string }>(sql)).rows[0]!.n);
    } catch (error) {
      throw new PantherError('postgres-read-failed', `database ${JSON.stringify(database)}: reading table ${table.name} failed: ${messageOf(error)}`, {
        subject: database, cause: error, hint: hintForQueryError(messageOf(error)),
      });
    }
  }
  return { tables: tables.length, rows };
}

async function checkIndexes(client: Client, database: string): Promise<number> {
  // A scratch copy: creating the extension changes nothing that matters. Its own schema, so a
  // database without `public` works too; an amcheck already there is used where it is.
  await client.query('CREATE SCHEMA IF NOT EXISTS panther_drill');
  await client.query('CREATE EXTENSION IF NOT EXISTS amcheck SCHEMA panther_drill');
  const schema = (await client.query<{ schema: string }>(
    "SELECT quote_ident(n.nspname) AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'amcheck'")).rows[0]!.schema;
  const indexes = (await client.query<{ oid: string; name: string }>(INDEXES)).rows;
  for (const index of indexes) {
    try {
      await client.query(`SELECT ${schema}.bt_index_check($1::text::oid::regclass)`, [index.oid]);
    } catch (error) {
      throw new PantherError('postgres-index-corrupt', `database ${JSON.stringify(database)}: amcheck found index ${index.name} damaged: ${messageOf(error)}`, {
        subject: database, cause: error, hint: 'the restored index does not match its table: the backup holds damaged data (REINDEX repairs the index on the source; restore an older point if the source is damaged too)',
      });
    }
  }
  return indexes.length;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function hintForQueryError(message: string): string {
  if (/invalid page|checksum|could not read block|unexpected zero page|could not open file/i.test(message)) {
    return 'the restored table\'s data is damaged: the backup point is not usable for this table; restore an older point and check the source';
  }
  if (/lock timeout/i.test(message)) return 'a restored prepared transaction holds a lock on the table (see pg_prepared_xacts on the source)';
  return 'see the message: the restored cluster started but could not be read';
}
