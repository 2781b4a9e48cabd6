// Child process for the host-lock integration tests (not a test file). argv[2] is a JSON
// HostLockChildArgs. Modes: hold — take the lock, print "held", keep it until killed; once — wait
// for the common start moment `startAt` (so that all children ask at the same millisecond), take
// the lock (waiting up to waitMs), hold it holdMs, let it go, exit 0.
// Every enter/leave is appended to `log` as a JSON line with a high-resolution wall-clock time, and
// each holder leaves a marker in `witness` while it holds: a check that needs no clocks at all.
import { appendFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock } from '../../src/locks/host-lock.ts';

export interface HostLockChildArgs {
  mode: 'hold' | 'once';
  path: string;
  log: string;
  witness?: string;
  startAt?: number;
  holdMs?: number;
  waitMs?: number;
  purpose?: string;
}

const args = JSON.parse(process.argv[2]!) as HostLockChildArgs;
const wall = (): number => performance.timeOrigin + performance.now();
const log = (record: Record<string, unknown>): void => appendFileSync(args.log, `${JSON.stringify({ pid: process.pid, ...record })}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

if (args.mode === 'hold') {
  await acquireLock(args.path, args.purpose ?? 'host-lock-child hold');
  log({ ev: 'enter', t: wall() });
  process.stdout.write('held\n');
  setInterval(() => undefined, 60_000);
} else {
  // Sleep to just before the start moment, then spin: timers alone scatter the children by ms.
  const startAt = args.startAt ?? wall();
  if (startAt - wall() > 20) await sleep(startAt - wall() - 20);
  while (wall() < startAt) { /* spin */ }
  const lock = await acquireLock(args.path, args.purpose ?? 'host-lock-child once', args.waitMs ?? 0);
  const enter = wall();
  const marker = join(args.witness!, String(process.pid));
  writeFileSync(marker, '');
  const others = readdirSync(args.witness!).filter((f) => f !== String(process.pid));
  log({ ev: 'enter', t: enter, conflict: others, waitedMs: Math.round(enter - startAt) });
  await sleep(args.holdMs ?? 20);
  rmSync(marker);
  log({ ev: 'leave', t: wall() });
  await lock.release();
  process.exit(0);
}
