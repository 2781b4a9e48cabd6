// PostgreSQL before a snapshot: make sure data and WAL are on the one subvolume being snapshotted
// (then the snapshot is crash-consistent and recovers by WAL replay, NOTES 10), and CHECKPOINT so
// that replay is short. Refuses when the data is spread over subvolumes: no single snapshot can
// capture that atomically. Backup mode (pg_backup_start/stop) would, but it needs the returned
// backup_label stored with the snapshot, so it is not implemented yet.
//
// The password is never in the plan: pg reads it from the pgpass file (PGPASSFILE or ~/.pgpass);
// on NixOS the hook normally connects over the unix socket with peer authentication.
// pg is imported when a PostgreSQL hook runs: most `snapshot run`s (every 15 minutes) have none.
import type { Client } from 'pg';
import type { HookConfig } from '../../plan/types.ts';
import type { HookContext, SnapshotHook } from './types.ts';
import { PantherError, isPantherError } from '../../core/errors.ts';
import { findSpread, readDataLayout } from './postgres-layout.ts';

export type PostgresHookConfig = Extract<HookConfig, { type: 'postgres' }>;

/** NixOS's and Debian's socket directory. */
export const DEFAULT_PG_HOST = '/run/postgresql';

export function postgresHook(config: PostgresHookConfig): SnapshotHook {
  const host = config.host ?? DEFAULT_PG_HOST;
  const port = config.port ?? 5432;
  const where = `${host}:${port}`;
  return {
    name: `postgres ${where}`,
    async before(ctx) {
      const client = await connect(config, host, port, ctx);
      try {
        const dataDir = await query(client, where, 'SHOW data_directory', 'data_directory');
        await refuseSpread(dataDir, ctx.subvolumePath);
        const started = performance.now();
        await query(client, where, 'CHECKPOINT');
        return `CHECKPOINT done in ${Math.round(performance.now() - started)} ms; data and WAL of ${dataDir} are on this subvolume`;
      } finally {
        await client.end().catch(() => {});
      }
    },
    // Crash-consistent mode changes nothing on the server; no backup mode to end.
    after: async () => 'nothing to undo',
  };
}

async function connect(config: PostgresHookConfig, host: string, port: number, ctx: HookContext): Promise<Client> {
  const { Client } = (await import('pg')).default;
  const client = new Client({
    host, port,
    user: config.user ?? 'postgres',
    database: config.database ?? 'postgres',
    application_name: 'panther-snapshot-hook',
    connectionTimeoutMillis: 30_000,
  });
  // A server that goes away mid-session emits 'error' on the client; the pending query rejects too.
  client.on('error', () => {});
  const onAbort = (): void => { client.end().catch(() => {}); };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  client.once('end', () => ctx.signal.removeEventListener('abort', onAbort));
  try {
    await client.connect();
  } catch (error) {
    throw new PantherError('postgres-unreachable', `cannot connect to PostgreSQL at ${host}:${port}: ${errorText(error)}`, {
      subject: `${host}:${port}`, cause: error,
      hint: 'is the server running, and are host (socket directory) and port in the hook right? A password comes only from the pgpass file (PGPASSFILE)',
    });
  }
  return client;
}

async function query(client: Client, where: string, sql: string, column?: string): Promise<string> {
  try {
    const result = await client.query<Record<string, unknown>>(sql);
    return column === undefined ? '' : String(result.rows[0]?.[column] ?? '');
  } catch (error) {
    const denied = error instanceof (await import('pg')).default.DatabaseError && error.code === '42501';
    throw new PantherError(denied ? 'postgres-permission' : 'postgres-failed', `PostgreSQL at ${where}: ${sql} failed: ${errorText(error)}`, {
      subject: where, cause: error,
      ...(denied ? { hint: 'connect as a superuser, or grant the hook\'s role pg_checkpoint and pg_read_all_settings' } : {}),
    });
  }
}

async function refuseSpread(dataDir: string, subvolumePath: string): Promise<void> {
  let problems: string[];
  try {
    problems = findSpread(await readDataLayout(dataDir, subvolumePath));
  } catch (error) {
    if (isPantherError(error)) throw error;
    throw new PantherError('postgres-layout', `cannot inspect the data directory ${dataDir}: ${errorText(error)}`, {
      subject: dataDir, cause: error, hint: 'the hook must run on the database host as root, so it can read the data directory',
    });
  }
  if (problems.length === 0) return;
  throw new PantherError('postgres-spread', `PostgreSQL's data is not all on the subvolume ${subvolumePath}: ${problems.join('; ')}. One snapshot cannot capture several subvolumes at the same instant, so it would not be consistent`, {
    subject: dataDir,
    hint: 'put the WAL and tablespaces into the data directory\'s subvolume (initdb without --waldir, tablespaces inside it), or use PostgreSQL\'s backup mode (pg_backup_start/pg_backup_stop, not implemented yet)',
    details: { dataDir, problems },
  });
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // net reports some failures (ECONNREFUSED on both localhost addresses) with an empty message.
  return error.message !== '' ? error.message : String((error as NodeJS.ErrnoException).code ?? error.name);
}
