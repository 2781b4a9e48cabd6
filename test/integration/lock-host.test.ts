// The host-wide run lock (src/locks/host-lock.ts) between real processes. (lock-race and lock-crash
// test the repository's lease lock, a different lock.)
// - Twelve processes asking at the same millisecond over a lock file whose holder was kill -9'd:
//   exactly one holds at any time, round after round (a read-decide-unlink-create takeover lets
//   two of them in).
// - kill -9 of a holder releases the lock at once (one poll), and a live holder is never taken over.
// - A caller that gives up says who holds the lock and why (exit code 11).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { acquireLock, LOCKED_EXIT_CODE } from '../../src/locks/host-lock.ts';
import type { HostLockChildArgs } from '../support/host-lock-child.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const CHILD = join(ROOT, 'test', 'support', 'host-lock-child.ts');
const PROCESSES = 12;
const ROUNDS = 4;

interface LogLine { pid: number; ev: 'enter' | 'leave'; t: number; conflict?: string[]; waitedMs?: number }

function start(args: HostLockChildArgs, children: ChildProcess[]): ChildProcess {
  const child = spawn(NODE, [CHILD, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return child;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

function held(child: ChildProcess): Promise<void> {
  return new Promise((done, fail) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('held\n')) done();
    });
    child.once('exit', (code) => fail(new Error(`holder exited (${code}) before holding the lock`)));
  });
}

function readLog(path: string): LogLine[] {
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogLine) : [];
}

/** Starts a holder, waits until it holds, kill -9s it: the lock file stays behind with a dead holder in it. */
async function killedHolder(path: string, log: string, children: ChildProcess[]): Promise<number> {
  const holder = start({ mode: 'hold', path, log }, children);
  await held(holder);
  holder.kill('SIGKILL');
  await exited(holder);
  return holder.pid!;
}

function killAll(children: ChildProcess[]): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

test(`${PROCESSES} processes asking at once over a kill -9'd holder's lock: exactly one holds at any time, ${ROUNDS} rounds`, { timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'panther-host-lock-race-'));
  const children: ChildProcess[] = [];
  try {
    const path = join(dir, 'run', 'snapshot.lock');
    const figures: Array<{ round: number; entered: number; overlaps: number; conflicts: number; firstWaitMs: number; lastWaitMs: number }> = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const log = join(dir, `round-${round}.jsonl`);
      const witness = join(dir, `witness-${round}`);
      mkdirSync(witness);
      const dead = await killedHolder(path, join(dir, `holder-${round}.jsonl`), children);
      assert.ok(existsSync(path), 'the killed holder left its lock file behind');
      // Time enough for all children to start on a loaded machine, so they ask together.
      const startAt = performance.timeOrigin + performance.now() + 4_000;
      const racers = Array.from({ length: PROCESSES }, () => start({ mode: 'once', path, log, witness, startAt, holdMs: 25, waitMs: 60_000 }, children));
      const codes = await Promise.all(racers.map(exited));
      assert.deepEqual(codes, racers.map(() => 0), `round ${round}: every racer got the lock in the end`);

      const lines = readLog(log);
      const enters = lines.filter((l) => l.ev === 'enter');
      const intervals = enters.map((e) => ({ pid: e.pid, enter: e.t, leave: lines.find((l) => l.ev === 'leave' && l.pid === e.pid)!.t }));
      const overlaps: string[] = [];
      for (const a of intervals) {
        for (const b of intervals) {
          if (a.pid < b.pid && a.enter < b.leave && b.enter < a.leave) overlaps.push(`${a.pid} [${a.enter.toFixed(1)}, ${a.leave.toFixed(1)}] × ${b.pid} [${b.enter.toFixed(1)}, ${b.leave.toFixed(1)}]`);
        }
      }
      const conflicts = enters.filter((e) => (e.conflict?.length ?? 0) > 0).map((e) => `${e.pid} saw ${e.conflict!.join(',')}`);
      const waits = enters.map((e) => e.waitedMs!).sort((a, b) => a - b);
      figures.push({ round, entered: enters.length, overlaps: overlaps.length, conflicts: conflicts.length, firstWaitMs: waits[0]!, lastWaitMs: waits.at(-1)! });
      assert.equal(enters.length, PROCESSES, `round ${round}`);
      assert.deepEqual(overlaps, [], `round ${round}: two holders at once (dead holder ${dead})`);
      assert.deepEqual(conflicts, [], `round ${round}: a holder found another holder's marker`);
    }
    t.diagnostic(`host lock race ${JSON.stringify(figures)}`);
    console.log(`# host lock race ${JSON.stringify(figures)}`);
  } finally {
    killAll(children);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kill -9 of the holder releases the host lock at once; a live holder is never taken over', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'panther-host-lock-crash-'));
  const children: ChildProcess[] = [];
  try {
    const path = join(dir, 'snapshot.lock');
    const witness = join(dir, 'witness');
    mkdirSync(witness);
    const holder = start({ mode: 'hold', path, log: join(dir, 'holder.jsonl') }, children);
    await held(holder);
    const waiterLog = join(dir, 'waiter.jsonl');
    const waiter = start({ mode: 'once', path, log: waiterLog, witness, waitMs: 30_000 }, children);
    // Alive for seconds (node start-up included): no takeover.
    await sleep(3_000);
    assert.deepEqual(readLog(waiterLog), [], 'no takeover from a live holder');
    assert.equal(waiter.exitCode, null, 'the waiter is still waiting');

    const gone = exited(holder);
    holder.kill('SIGKILL');
    const killedAt = performance.timeOrigin + performance.now();
    await gone;
    assert.equal(await exited(waiter), 0);
    const entered = readLog(waiterLog).find((l) => l.ev === 'enter')!.t;
    const afterMs = entered - killedAt;
    t.diagnostic(`host lock: taken ${afterMs.toFixed(0)} ms after the holder's kill -9`);
    console.log(`# host lock crash: taken ${afterMs.toFixed(0)} ms after the holder's kill -9`);
    assert.ok(afterMs >= 0);
    assert.ok(afterMs < 1_500, `taken ${afterMs.toFixed(0)} ms after the kill (one poll expected)`);
  } finally {
    killAll(children);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a caller that gives up names the holder and its purpose (exit code 11)', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'panther-host-lock-busy-'));
  const children: ChildProcess[] = [];
  try {
    const path = join(dir, 'snapshot.lock');
    const holder = start({ mode: 'hold', path, log: join(dir, 'holder.jsonl'), purpose: 'backup run' }, children);
    await held(holder);
    const asked = Date.now();
    await assert.rejects(acquireLock(path, 'snapshot run', 700), (error: any) => {
      assert.equal(error.exitCode, LOCKED_EXIT_CODE);
      assert.match(error.message, new RegExp(`held by pid ${holder.pid} .*\\(backup run\\)`));
      return true;
    });
    assert.ok(Date.now() - asked >= 700, 'waited as long as asked');
    holder.kill('SIGKILL');
    await exited(holder);
    const mine = await acquireLock(path, 'snapshot run', 0);
    await mine.release();
  } finally {
    killAll(children);
    rmSync(dir, { recursive: true, force: true });
  }
});
