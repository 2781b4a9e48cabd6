// Child process for the lock integration tests (not a test file). argv[2] is a JSON ChildArgs.
// Modes: race — until `until`, repeatedly take a random kind of lock, hold it a random time, let
// it go; hold — take `kind` and keep it (refreshing) until killed; once — take `kind` (waiting up
// to waitMs), then let it go and exit. Every enter/exit is appended to `log` as a JSON line with a
// high-resolution wall-clock time, so the parent can line up the intervals of all processes. In
// race mode each holder also leaves a marker file in `witness` and looks for conflicting markers:
// a check that does not depend on clocks at all.
import { appendFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalBackend } from '../../src/repo/backend/local.ts';
import { acquireRepoLock } from '../../src/repo/lock/index.ts';
import type { LockEvent, LockKind, LockParams, RepoLock } from '../../src/repo/lock/index.ts';

export interface ChildArgs {
  mode: 'race' | 'hold' | 'once';
  root: string;
  host: string;
  log: string;
  witness?: string;
  params: Partial<LockParams>;
  kind?: LockKind;
  exclusiveChance?: number;
  until?: number;
  waitMs?: number;
}

const args = JSON.parse(process.argv[2]!) as ChildArgs;
const backend = new LocalBackend(args.root);
const wall = (): number => performance.timeOrigin + performance.now();
const log = (record: Record<string, unknown>): void => appendFileSync(args.log, `${JSON.stringify({ pid: process.pid, ...record })}\n`);
const onEvent = (e: LockEvent): void => {
  if (e.type === 'stale-removed') log({ ev: 'stale-removed', t: wall(), lock: e.lock.name, holderPid: e.lock.content?.pid });
  if (e.type === 'observe-failed' || e.type === 'refresh-failed' || e.type === 'release-failed') log({ ev: e.type, t: wall(), error: String((e.error as Error).message) });
  if (e.type === 'lost') log({ ev: 'lost', t: wall(), error: e.error.message });
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function acquire(kind: LockKind, waitMs: number): Promise<RepoLock> {
  // Each child poses as its own machine: these tests exercise the lease protocol between hosts,
  // where a dead holder is only known by its lease expiring (same-host holders are checked by pid).
  return acquireRepoLock(backend, args.host, kind, { holder: `lock-child ${args.mode}`, params: args.params, waitMs, onEvent, hostname: `lock-child-${process.pid}` });
}

if (args.mode === 'race') {
  let n = 0;
  while (wall() < args.until!) {
    const kind: LockKind = Math.random() < (args.exclusiveChance ?? 0.33) ? 'exclusive' : 'shared';
    let lock: RepoLock;
    const asked = wall();
    try {
      lock = await acquire(kind, args.waitMs ?? 5_000);
    } catch (error) {
      log({ ev: 'refused', t: wall(), kind, code: (error as { code?: string }).code, error: (error as Error).message });
      await sleep(Math.random() * 50);
      continue;
    }
    const enter = wall();
    n++;
    const marker = join(args.witness!, `${kind}-${process.pid}-${n}`);
    writeFileSync(marker, '');
    const others = readdirSync(args.witness!).filter((f) => join(args.witness!, f) !== marker);
    const conflict = others.filter((f) => kind === 'exclusive' || f.startsWith('exclusive-'));
    log({ ev: 'enter', t: enter, kind, n, conflict, waitedMs: Math.round(enter - asked) });
    const holdMs = Math.random() < 0.03 ? 2_100 + Math.random() * 500 : Math.random() * 80;
    let lost = false;
    while (wall() - enter < holdMs) {
      try { lock.check(); } catch { lost = true; break; }
      await sleep(Math.max(0, Math.min(20, holdMs - (wall() - enter))));
    }
    log({ ev: 'exit', t: wall(), kind, n, lost });
    rmSync(marker);
    await lock.release();
    await sleep(Math.random() * 30);
  }
  process.exit(0);
} else {
  const lock = await acquire(args.kind!, args.waitMs ?? 0);
  // wallNow: the wall clock the lock itself judges expiry by (Date.now), which may drift from
  // timeOrigin + performance.now() by tens of milliseconds while NTP slews the clock.
  log({ ev: 'enter', t: wall(), wallNow: Date.now(), kind: args.kind, name: lock.info.name });
  process.stdout.write(`held ${lock.info.name}\n`);
  if (args.mode === 'once') {
    log({ ev: 'exit', t: wall(), kind: args.kind });
    await lock.release();
    process.exit(0);
  }
  // hold: the lease keeps refreshing until the parent kills us.
  setInterval(() => { if (lock.signal.aborted) log({ ev: 'lost', t: wall() }); }, 1_000);
}
