// A restore drill's PostgreSQL check: start the server matching PG_VERSION on the WRITABLE copy of
// the restored subvolume (never on live data), as the data's owner, with our own settings and a
// socket in the private run directory; wait for crash recovery until it answers; count and amcheck;
// stop it, always. A database problem is returned as ok=false with a reason, never thrown.
// pg is imported when a drill runs: most commands never need it.
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, chown, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Client } from 'pg';
import type { DatabaseCheck } from '../types.ts';
import { PantherError } from '../../core/errors.ts';
import { findOnPath } from '../../core/find-on-path.ts';
import { DEFAULT_ANSWER_TIMEOUT_MS, dataPath, type DatabaseDrillContext } from './context.ts';
import { checkCluster } from './postgres-checks.ts';
import { refuseLinksOut } from './postgres-links.ts';
import {
  HBA_TEXT, PG_PORT, hintForPostgresLog, majorOfVersionOutput, parsePgVersion, postgresArgs, postgresCandidates, runFiles, superuserCandidates,
} from './postgres-settings.ts';
import { isProgrammingError, reasonOf } from './result.ts';
import { checkDataReachable, dataOwner, lastLines, lendRunDir, logTail, logText, removeRunFiles, startAsOwner, type Owner, type ServerProcess } from './run-as-owner.ts';

const POLL_MS = 100;
const STOP_GRACE_MS = 30_000;
// Files of the original server that must not steer the scratch copy (postmaster.pid is stale by
// definition; a standby's signal files would keep it read-only; ALTER SYSTEM settings name the
// original host's paths and libraries).
const STALE = ['postmaster.pid'];
const SET_ASIDE = ['postgresql.auto.conf', 'standby.signal', 'recovery.signal'];

export async function drillPostgres(root: string, dataDir: string, ctx: DatabaseDrillContext): Promise<DatabaseCheck> {
  const check: DatabaseCheck = { kind: 'postgres', dataDir, ok: false, answeredAfterMs: null };
  const signal = ctx.signal ?? new AbortController().signal;
  const files = runFiles(ctx.runDir);
  let server: ServerProcess | null = null;
  let client: Client | null = null;
  let giveBack: (() => Promise<void>) | null = null;
  let failure: unknown = null;
  try {
    signal.throwIfAborted();
    const data = dataPath(root, dataDir);
    const major = await readMajor(data, dataDir);
    const program = await findPostgres(major);
    const owner = await dataOwner(data);
    if (owner.uid === 0) {
      throw new PantherError('postgres-owned-by-root', `the restored data directory ${dataDir} belongs to root: PostgreSQL will not run as root`, {
        subject: dataDir, hint: 'the backup should keep the data\'s owner (the postgres user\'s uid); check how this subvolume was restored',
      });
    }
    await checkDataReachable(data, owner);
    await refuseLinksOut(data, dataDir);
    await setAside(data, ctx.log);
    giveBack = await lendRunDir(ctx.runDir, owner);
    await writeRunFiles(files, owner);
    signal.throwIfAborted();
    const started = performance.now();
    server = await startAsOwner({ program, args: postgresArgs(data, ctx.runDir), owner, logFile: files.log, cwd: data, what: `PostgreSQL ${major}` });
    ctx.log(`PostgreSQL ${major} (${program}) started on the restored ${dataDir} as uid ${owner.uid}, pid ${server.pid}`);
    const session = await waitForAnswer(server, { runDir: ctx.runDir, owner, major, dataDir, logFile: files.log, signal, deadline: started + (ctx.timeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS) });
    client = session.client;
    check.answeredAfterMs = Math.round(performance.now() - started);
    ctx.log(`PostgreSQL answered after ${check.answeredAfterMs} ms, as ${JSON.stringify(session.user)}`);
    const redo = /redo done at .*|automatic recovery in progress/.exec(await logText(files.log));
    if (redo !== null) ctx.log(`PostgreSQL replayed WAL (crash recovery): ${redo[0]}`);
    const onAbort = (): void => { client?.end().catch(() => {}); };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      check.postgres = await checkCluster(client, (database) => connect(ctx.runDir, session.user, database, signal), signal, ctx.log);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    check.ok = true;
  } catch (error) {
    failure = error;
    if (!isProgrammingError(error)) check.error = reasonOf(signal.aborted ? signal.reason : error, 'postgres-drill-failed', `PostgreSQL drill of ${dataDir}`);
  } finally {
    await client?.end().catch(() => {});
    if (server !== null) {
      // SIGINT: fast shutdown (sessions rolled back, a checkpoint, exit); SIGKILL after the grace.
      await server.stop('SIGINT', STOP_GRACE_MS);
      if (!check.ok) ctx.log(`PostgreSQL's log on the restored ${dataDir}:\n${await logTail(files.log, 15)}`);
    }
    await removeRunFiles(ctx.runDir, [...Object.values(files).map((f) => basename(f)), `.s.PGSQL.${PG_PORT}`, `.s.PGSQL.${PG_PORT}.lock`]);
    await giveBack?.();
  }
  if (failure !== null && isProgrammingError(failure)) throw failure;
  return check;
}

async function readMajor(data: string, dataDir: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(join(data, 'PG_VERSION'), 'utf8');
  } catch (error) {
    throw new PantherError('postgres-no-version', `cannot read PG_VERSION of the restored ${dataDir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { subject: dataDir, cause: error });
  }
  const major = parsePgVersion(text);
  if (major === null) throw new PantherError('postgres-bad-version', `PG_VERSION of the restored ${dataDir} does not name a PostgreSQL version`, { subject: dataDir, hint: 'the restored data directory is damaged' });
  return major;
}

/** Debian's versioned directory first, then a `postgres` on PATH whose --version matches. */
async function findPostgres(major: string): Promise<string> {
  for (const candidate of postgresCandidates(major)) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch { /* not there */ }
  }
  const onPath = findOnPath('postgres');
  let found: string | null = null;
  if (onPath !== null) {
    try {
      const { stdout } = await promisify(execFile)(onPath, ['--version'], { timeout: 30_000 });
      found = majorOfVersionOutput(stdout);
      if (found === major) return onPath;
    } catch { /* not a usable postgres */ }
  }
  throw new PantherError('postgres-missing', `no PostgreSQL ${major} server on the drill machine${onPath === null ? '' : ` (${onPath} is ${found === null ? 'not usable' : `version ${found}`})`}`, {
    hint: `install PostgreSQL ${major} (Debian: apt-get install postgresql-${major}; NixOS: postgresql_${major} on the drill's PATH)`,
  });
}

async function setAside(data: string, log: (line: string) => void): Promise<void> {
  for (const name of STALE) await rm(join(data, name), { force: true });
  for (const name of SET_ASIDE) {
    try {
      await rename(join(data, name), join(data, `${name}.panther-drill`));
      log(`set aside ${name} of the restored copy (the drill uses its own settings)`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

async function writeRunFiles(files: ReturnType<typeof runFiles>, owner: Owner): Promise<void> {
  const texts: Array<[string, string]> = [
    [files.config, '# panther drill: every setting is given on the command line\n'],
    [files.hba, HBA_TEXT],
    [files.ident, ''],
  ];
  for (const [path, text] of texts) {
    await writeFile(path, text, { mode: 0o600 });
    await chown(path, owner.uid, owner.gid);
  }
}

interface WaitFor {
  runDir: string; owner: Owner; major: string; dataDir: string; logFile: string; signal: AbortSignal; deadline: number;
}

/** Polls until a session opens; a server that exits or never answers is reported with its log. */
async function waitForAnswer(server: ServerProcess, w: WaitFor): Promise<{ client: Client; user: string }> {
  const users = superuserCandidates(w.owner.name);
  const databases = ['postgres', 'template1'];
  let user = 0;
  let database = 0;
  let last = 'no answer yet';
  for (;;) {
    if (!server.running()) {
      const exit = await server.exited;
      const text = await logText(w.logFile);
      const tail = lastLines(text);
      throw new PantherError('postgres-exited', `PostgreSQL ${w.major} exited while starting on the restored ${w.dataDir} (${exit.signal ?? `exit code ${exit.code}`}):\n${tail}`, {
        subject: w.dataDir, hint: hintForPostgresLog(text, w.major),
      });
    }
    if (performance.now() > w.deadline) {
      const tail = await logTail(w.logFile);
      throw new PantherError('postgres-start-timeout', `PostgreSQL ${w.major} did not answer on the restored ${w.dataDir} in time (last: ${last}):\n${tail}`, {
        subject: w.dataDir, hint: 'crash recovery of a big cluster takes long: give the drill more time; otherwise read the log lines above',
      });
    }
    try {
      return { client: await connect(w.runDir, users[user]!, databases[database]!, w.signal), user: users[user]! };
    } catch (error) {
      const code = (error as { code?: string }).code;
      const message = error instanceof Error ? error.message : String(error);
      if (code === '28000' && /role .* does not exist/.test(message)) {
        if (++user >= users.length) {
          throw new PantherError('postgres-no-superuser', `the restored cluster in ${w.dataDir} has none of the roles ${users.map((u) => JSON.stringify(u)).join(', ')}`, {
            subject: w.dataDir, hint: 'the drill connects as the data\'s owner or "postgres"; create the cluster\'s superuser with the owner\'s name, or give the owner that name on the drill machine',
          });
        }
        continue;
      }
      if (code === '3D000' && database + 1 < databases.length) {
        database++;
        continue;
      }
      // Not up yet (no socket, refused) or recovering (57P03): wait.
      last = message !== '' ? message : String(code);
    }
    await sleep(POLL_MS, undefined, { signal: w.signal });
  }
}

async function connect(runDir: string, user: string, database: string, signal: AbortSignal): Promise<Client> {
  signal.throwIfAborted();
  const { Client } = (await import('pg')).default;
  const client = new Client({ host: runDir, port: PG_PORT, user, database, application_name: 'panther-drill', connectionTimeoutMillis: 10_000 });
  // A server that goes away mid-session emits 'error' on the client; the pending query rejects too.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  return client;
}
