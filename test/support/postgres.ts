// Real PostgreSQL servers for integration tests: initdb into a given directory, start with pg_ctl
// on our own port and a unix socket directory in the test's temp dir (no TCP), stop by PID.
// PostgreSQL refuses to run as root, so everything runs as the Debian `postgres` user.
//
// Also the process registry redis.ts uses: every server PID started here is killed on exit or
// SIGINT/SIGTERM *before* the loop fixture's cleanup runs (prependListener), because a server
// holding files open keeps the fixture's btrfs busy (umount fails, the loop stays attached).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { appendFile, chmod, chown, mkdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { skipReason } from './requirements.ts';
import { findOnPath } from '../../src/core/find-on-path.ts';

// ---- process registry -------------------------------------------------------------------

const live = new Map<number, string>();
let handlersInstalled = false;

/** Kills what is left, synchronously (the same code runs from 'exit' and signal handlers). */
function killAllLive(): void {
  for (const [pid] of live) {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* not a group leader, or gone */ }
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
  const until = Date.now() + 5_000;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  while ([...live.keys()].some(isAlive) && Date.now() < until) Atomics.wait(nap, 0, 0, 50);
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAllLive();
  process.removeListener(signal, onSignal);
  // Others (the loop fixture) re-raise after their cleanup; alone, we must end the process ourselves.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

export function trackServer(pid: number, what: string): void {
  live.set(pid, what);
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.prependListener(signal, onSignal);
  process.prependListener('exit', killAllLive);
}

export function untrackServer(pid: number): void {
  live.delete(pid);
}

/** Servers this process started and did not stop. Empty when all is clean. */
export function serverLeftovers(): string[] {
  return [...live].filter(([pid]) => isAlive(pid)).map(([pid, what]) => `${what} (pid ${pid}) still running`);
}

/** Alive and not a zombie: PID 1 in a container does not always reap reparented daemons. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Sends `signal`, waits for the process to go; SIGKILLs its group after `graceMs`. */
export async function stopPid(pid: number, signal: NodeJS.Signals, graceMs = 60_000): Promise<void> {
  try { process.kill(pid, signal); } catch { /* already gone */ }
  const until = Date.now() + graceMs;
  while (isAlive(pid)) {
    if (Date.now() > until) {
      try { process.kill(-pid, 'SIGKILL'); } catch { process.kill(pid, 'SIGKILL'); }
    }
    await sleep(50);
  }
  untrackServer(pid);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

// ---- PostgreSQL ---------------------------------------------------------------------------

const PG_USER = 'postgres';

/** Debian keeps initdb/pg_ctl in /usr/lib/postgresql/<major>/bin, off PATH. */
export function pgBin(tool: string): string | null {
  const dirs: string[] = [];
  try {
    const majors = readdirSync('/usr/lib/postgresql').filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a));
    dirs.push(...majors.map((m) => `/usr/lib/postgresql/${m}/bin`));
  } catch { /* not installed that way */ }
  return findOnPath(tool, dirs);
}

function pgUser(): { uid: number; gid: number } | null {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${PG_USER}:`));
  if (line === undefined) return null;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Like skipReason, plus PostgreSQL's server programs and the postgres user (fails in CI too). */
export function postgresSkipReason(): string | false {
  const base = skipReason({ tools: ['btrfs', 'mkfs.btrfs', 'losetup', 'mount', 'umount', 'chattr', 'lsattr', 'runuser'] });
  if (base !== false) return base;
  const missing = ['initdb', 'pg_ctl', 'postgres'].filter((t) => pgBin(t) === null);
  if (pgUser() === null) missing.push('the postgres user');
  if (missing.length === 0) return false;
  const reason = `PostgreSQL not installed (${missing.join(', ')} missing; apt-get install -y postgresql)`;
  if (process.env['CI'] === 'true') throw new Error(`${reason} (CI=true: integration tests must run, not skip)`);
  return reason;
}

/** A directory the postgres user owns (mode 0700), e.g. a data or socket directory. */
export async function pgOwnedDir(path: string): Promise<string> {
  const user = pgUser();
  if (user === null) throw new Error('no postgres user');
  await mkdir(path, { recursive: true, mode: 0o700 });
  await chown(path, user.uid, user.gid);
  return path;
}

/** The test's temp dir is 0700 root; the postgres user must be able to pass through it. */
export async function openForPostgres(...dirs: string[]): Promise<void> {
  for (const dir of dirs) await chmod(dir, 0o711);
}

function asPostgres(tool: string, args: readonly string[]): string {
  const bin = pgBin(tool);
  if (bin === null) throw new Error(`${tool} not found`);
  return execFileSync('runuser', ['-u', PG_USER, '--', bin, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
}

export interface InitOptions {
  dataDir: string;
  /** initdb --waldir: pg_wal becomes a symlink to this (for the refusal test). */
  walDir?: string;
}

export async function initPostgres(opts: InitOptions): Promise<void> {
  await pgOwnedDir(opts.dataDir);
  if (opts.walDir !== undefined) await pgOwnedDir(opts.walDir);
  asPostgres('initdb', [
    '--data-checksums', '--auth=trust', `--username=${PG_USER}`, '--encoding=UTF8', '--locale=C', '--no-sync',
    ...(opts.walDir === undefined ? [] : [`--waldir=${opts.walDir}`]),
    '-D', opts.dataDir,
  ]);
  // Small, and without TCP: tests talk over the unix socket only.
  await appendFile(opts.dataDir + '/postgresql.conf', "\n# panther tests\nlisten_addresses = ''\nshared_buffers = 32MB\nmax_connections = 20\n");
}

export interface PgServer {
  dataDir: string;
  socketDir: string;
  port: number;
  pid: number;
  logFile: string;
  /** For pg's Client and for the postgres hook's host/port. */
  connection: { host: string; port: number; user: string; database: string };
  stop(): Promise<void>;
}

export interface StartOptions {
  dataDir: string;
  /** Where the socket directory and the log go: the test's temp dir, outside the btrfs mount. */
  runDir: string;
  name: string;
}

/** Starts a server on `dataDir` (pg_ctl -w waits until it accepts connections, after any recovery). */
export async function startPostgres(opts: StartOptions): Promise<PgServer> {
  const port = await freePort();
  const socketDir = await pgOwnedDir(join(opts.runDir, `pg-${opts.name}`));
  const logFile = join(socketDir, 'server.log');
  // The later line wins, so a clone's copied settings are overridden here (no shell-parsed pg_ctl -o).
  await appendFile(join(opts.dataDir, 'postgresql.conf'), `port = ${port}\nunix_socket_directories = '${socketDir}'\n`);
  try {
    asPostgres('pg_ctl', ['-w', '-t', '120', '-D', opts.dataDir, '-l', logFile, 'start']);
  } catch (error) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '(no log)';
    throw new Error(`PostgreSQL ${opts.name} did not start: ${(error as Error).message}\n${log}`);
  }
  const pid = Number((await readFile(join(opts.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  trackServer(pid, `postgres ${opts.name}`);
  return {
    dataDir: opts.dataDir, socketDir, port, pid, logFile,
    connection: { host: socketDir, port, user: PG_USER, database: 'postgres' },
    // SIGINT = fast shutdown: roll back sessions, checkpoint, exit.
    stop: () => stopPid(pid, 'SIGINT'),
  };
}

/**
 * Starts a server on a writable clone of a snapshot taken while the original ran. The copied
 * postmaster.pid names the original's live PID, which would make PostgreSQL refuse to start;
 * a restore removes it the same way. Startup then replays WAL (crash recovery).
 */
export async function startPostgresOnClone(opts: StartOptions): Promise<PgServer> {
  await rm(join(opts.dataDir, 'postmaster.pid'), { force: true });
  return startPostgres(opts);
}

/** What the server's log says about recovery ("redo done", "automatic recovery in progress"). */
export async function recoveredFromCrash(server: PgServer): Promise<boolean> {
  return /automatic recovery in progress|redo done|redo starts/.test(await readFile(server.logFile, 'utf8'));
}
