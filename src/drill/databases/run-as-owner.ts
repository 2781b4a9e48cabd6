// A database server started on a restored copy runs as the owner of its data directory (PostgreSQL
// refuses root, and the files are the owner's), through setpriv with argument arrays. `--pdeathsig
// KILL` is set by setpriv after it changed uid (a uid change clears it, so the order matters; the
// integration test kills the drill with SIGKILL and finds no server left): a drill that dies does not
// leave a server running on scratch data. Its output goes to a log file in the run directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { chmod, chown, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PantherError } from '../../core/errors.ts';
import { findOnPath } from '../../core/find-on-path.ts';

export interface Owner { uid: number; gid: number; name: string | null }

/** The user name of `uid` in /etc/passwd text; null when the drill machine has no such user. */
export function userNameFor(passwd: string, uid: number): string | null {
  for (const line of passwd.split('\n')) {
    const fields = line.split(':');
    if (fields.length >= 3 && fields[2] === String(uid) && fields[0] !== '') return fields[0]!;
  }
  return null;
}

export async function dataOwner(dataDir: string): Promise<Owner> {
  const s = await stat(dataDir);
  let passwd = '';
  try { passwd = readFileSync('/etc/passwd', 'utf8'); } catch { /* no names: uids still work */ }
  return { uid: s.uid, gid: s.gid, name: userNameFor(passwd, s.uid) };
}

export interface PathStat { path: string; mode: number; uid: number; gid: number }

/** The first directory of `chain` (root first) that `owner` cannot pass through, or null. Supplementary groups are cleared (setpriv --clear-groups): only uid and gid count. */
export function blockedAncestor(chain: readonly PathStat[], owner: { uid: number; gid: number }): string | null {
  if (owner.uid === 0) return null;
  for (const dir of chain) {
    const bit = dir.uid === owner.uid ? 0o100 : dir.gid === owner.gid ? 0o010 : 0o001;
    if ((dir.mode & bit) === 0) return dir.path;
  }
  return null;
}

/** The first parent directory of `path` that `owner` cannot pass through, or null. */
export async function unreachableBy(path: string, owner: { uid: number; gid: number }): Promise<string | null> {
  const chain: PathStat[] = [];
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const s = await stat(dir);
    chain.unshift({ path: dir, mode: s.mode, uid: s.uid, gid: s.gid });
    if (dirname(dir) === dir) break;
  }
  return blockedAncestor(chain, owner);
}

/** Refuses a restored data directory the server, running as its owner, could not reach. */
export async function checkDataReachable(data: string, owner: { uid: number; gid: number }): Promise<void> {
  const blocked = await unreachableBy(data, owner);
  if (blocked === null) return;
  throw new PantherError('drill-data-unreachable', `the database server runs as uid ${owner.uid} and cannot reach the restored data directory ${data}: ${blocked} is closed to it`, {
    subject: data, hint: `restore into a directory whose parents others may pass through (chmod o+x ${blocked}): the server runs as the data's owner, not as root`,
  });
}

/**
 * Hands the (private, empty) run directory to the owner for the server's socket and files, after
 * checking the owner can reach it. Returns how to give it back.
 */
export async function lendRunDir(runDir: string, owner: Owner): Promise<() => Promise<void>> {
  const blocked = await unreachableBy(runDir, owner);
  if (blocked !== null) {
    throw new PantherError('drill-rundir-unreachable', `the database server runs as uid ${owner.uid} and cannot reach its run directory ${runDir}: ${blocked} is closed to it`, {
      subject: runDir, hint: `give the drill a run directory whose parents others may pass through (chmod o+x ${blocked}, or use one under /run or /tmp)`,
    });
  }
  const before = await stat(runDir);
  await chown(runDir, owner.uid, owner.gid);
  await chmod(runDir, 0o700);
  return async () => {
    await chown(runDir, before.uid, before.gid);
    await chmod(runDir, before.mode & 0o7777);
  };
}

/** setpriv's argument list: the owner's uid and gid, no supplementary groups, killed with its parent. */
export function setprivArgs(owner: { uid: number; gid: number }, program: string, args: readonly string[]): string[] {
  return [`--reuid=${owner.uid}`, `--regid=${owner.gid}`, '--clear-groups', '--no-new-privs', '--pdeathsig', 'KILL', '--', program, ...args];
}

export interface ServerProcess {
  pid: number;
  /** Resolves when the process has exited (never rejects). */
  exited: Promise<{ code: number | null; signal: string | null }>;
  running(): boolean;
  /** Sends `signal`, waits `graceMs`, then SIGKILLs it and every process it left (its children). */
  stop(signal: NodeJS.Signals, graceMs: number): Promise<void>;
}

export interface StartAsOwner {
  program: string;
  args: readonly string[];
  owner: Owner;
  logFile: string;
  cwd: string;
  what: string;
}

export async function startAsOwner(opts: StartAsOwner): Promise<ServerProcess> {
  const setpriv = findOnPath('setpriv', ['/usr/bin', '/bin']);
  if (setpriv === null) {
    throw new PantherError('drill-setpriv-missing', 'setpriv not found: it starts the database server as the data\'s owner', { hint: 'install util-linux (it provides setpriv)' });
  }
  const log = openSync(opts.logFile, 'a', 0o600);
  let child: ChildProcess;
  try {
    // A small environment: the server must not pick up the drill's PG*/REDIS* variables.
    child = spawn(setpriv, setprivArgs(opts.owner, opts.program, opts.args), {
      cwd: opts.cwd, stdio: ['ignore', log, log],
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LC_ALL: 'C', ...(process.env['TZ'] === undefined ? {} : { TZ: process.env['TZ'] }) },
    });
    await Promise.race([once(child, 'spawn'), once(child, 'error').then(([e]) => { throw e; })]);
  } catch (error) {
    throw new PantherError('drill-server-spawn', `cannot start ${opts.what}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  } finally {
    closeSync(log);
  }
  const pid = child.pid!;
  child.on('error', () => { /* reported through 'exit'; kills go through process.kill */ });
  let done = false;
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => { done = true; resolve({ code, signal }); });
  });
  const stop = async (signal: NodeJS.Signals, graceMs: number): Promise<void> => {
    if (done) return;
    // Its children, while they can still be found (with their start times, so a reused pid is
    // never killed): a SIGKILLed parent leaves them to notice alone.
    const children = descendants(pid).map((p) => ({ pid: p, start: startTime(p) }));
    const same = (c: { pid: number; start: string | null }): boolean => c.start !== null && startTime(c.pid) === c.start && alive(c.pid);
    try { process.kill(pid, signal); } catch { /* gone */ }
    const grace = new AbortController();
    const outcome = await Promise.race([
      exited.then(() => 'exited' as const),
      sleep(graceMs, 'timeout' as const, { signal: grace.signal }).catch(() => 'exited' as const),
    ]);
    grace.abort(); // no timer left to hold the process open
    if (outcome === 'timeout') {
      for (const c of children.filter(same)) {
        try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ }
      }
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      await exited;
    }
    // Children that outlive the parent end on their own when they see it gone: wait, then kill.
    const until = Date.now() + 5_000;
    while (children.some(same) && Date.now() < until) await sleep(50);
    for (const c of children.filter(same)) {
      try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ }
    }
  };
  return { pid, exited, running: () => !done, stop };
}

/** Every process whose parent chain leads to `pid` (from /proc). */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  let names: string[] = [];
  try { names = readdirSync('/proc'); } catch { return []; }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const fields = statFields(Number(name));
    if (fields !== null) parents.set(Number(name), Number(fields[1]));
  }
  const out: number[] = [];
  const wanted = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [p, pp] of parents) {
      if (wanted.has(pp) && !wanted.has(p)) { wanted.add(p); out.push(p); grew = true; }
    }
  }
  return out;
}

/** Alive and not a zombie. */
export function alive(pid: number): boolean {
  const fields = statFields(pid);
  return fields !== null && fields[0] !== 'Z';
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
function startTime(pid: number): string | null {
  return statFields(pid)?.[19] ?? null;
}

/** /proc/<pid>/stat from field 3 (state) on; the command name may hold spaces and parentheses. */
function statFields(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** The end of a server's log (its last 64 KiB): what a hint is looked for in. */
export async function logText(file: string): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    return text.length > 65_536 ? text.slice(-65_536) : text;
  } catch {
    return '';
  }
}

/** The last `lines` non-empty lines of a log, for an error message. */
export function lastLines(text: string, lines = 8): string {
  const kept = text.split('\n').filter((l) => l.trim() !== '').slice(-lines);
  return kept.length === 0 ? '(the log is empty)' : kept.join('\n');
}

export async function logTail(file: string, lines = 8): Promise<string> {
  return lastLines(await logText(file), lines);
}

/**
 * Removes what a drill put in the run directory (its files, and the socket and lock files a killed
 * server leaves), by name: the directory was empty before, and nothing else in it is touched.
 */
export async function removeRunFiles(dir: string, names: readonly string[]): Promise<void> {
  for (const name of names) await rm(join(dir, name), { force: true });
}
