// kill -9 of a process holding the repository lock: a waiting process in another kind takes over
// once the dead holder's lease has expired (plus the skew margin), and not before — in particular
// not while the holder was alive and refreshing for several leases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildArgs } from '../support/lock-child.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const CHILD = join(ROOT, 'test', 'support', 'lock-child.ts');
const PARAMS = { leaseMs: 3_000, refreshMs: 1_000, stopMarginMs: 600, settleMs: 100, skewMs: 500, pollMs: 100 };
// Process start, a settle, a poll and fsyncs: how late after the earliest allowed moment a takeover may come.
const SLACK_MS = PARAMS.pollMs + PARAMS.settleMs + 1_500;

interface LogLine { pid: number; ev: string; t: number; wallNow?: number; lock?: string; holderPid?: number; name?: string }

function start(args: ChildArgs): ChildProcess {
  return spawn(NODE, [CHILD, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((done, fail) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) done(text.split('\n')[0]!);
    });
    child.once('exit', (code) => fail(new Error(`child exited (${code}) before holding the lock`)));
  });
}

function readLog(path: string): LogLine[] {
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogLine) : [];
}

for (const [held, waiting] of [['exclusive', 'shared'], ['shared', 'exclusive']] as const) {
  test(`kill -9 of the ${held} holder: the waiting ${waiting} contender takes over after the lease expires, not before`, { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'panther-lock-crash-'));
    const root = join(dir, 'repo');
    const children: ChildProcess[] = [];
    try {
      const holder = start({ mode: 'hold', root, host: 'crash', log: join(dir, 'holder.jsonl'), params: PARAMS, kind: held });
      children.push(holder);
      const heldLine = await firstLine(holder);
      const lockFile = join(root, 'crash', 'locks', heldLine.slice('held '.length).split('/').pop()!);

      const takerLog = join(dir, 'taker.jsonl');
      const taker = start({ mode: 'once', root, host: 'crash', log: takerLog, params: PARAMS, kind: waiting, waitMs: 60_000 });
      children.push(taker);
      const takerDone = new Promise<number | null>((done) => taker.once('exit', (code) => done(code)));
      // Alive and refreshing for more than two leases: no takeover.
      await sleep(2.5 * PARAMS.leaseMs);
      assert.deepEqual(readLog(takerLog).filter((l) => l.ev === 'enter'), [], 'no takeover from a live holder');
      const refreshedWhileAlive = JSON.parse(readFileSync(lockFile, 'utf8')) as { seq: number };
      assert.ok(refreshedWhileAlive.seq >= 4, `the holder refreshed (seq ${refreshedWhileAlive.seq})`);

      const holderGone = new Promise((done) => holder.once('exit', done));
      holder.kill('SIGKILL');
      const killedAt = performance.timeOrigin + performance.now();
      await holderGone;
      // The dead holder's last word: its object as it stays on disk.
      const last = JSON.parse(readFileSync(lockFile, 'utf8')) as { expires: string; pid: number };
      const earliest = Date.parse(last.expires) + PARAMS.skewMs;

      assert.equal(await takerDone, 0);
      const lines = readLog(takerLog);
      const enter = lines.find((l) => l.ev === 'enter')!;
      const entered = enter.t;
      // Expiry is wall-clock time (the lock object's `expires`, Date.now on both sides): compared on
      // that clock, not on timeOrigin + performance.now(), which drifts from it while NTP slews.
      const enteredWall = enter.wallNow!;
      const removed = lines.find((l) => l.ev === 'stale-removed');
      console.log(`# lock crash ${held}→${waiting}: killed at +0 ms, lease expired at +${Math.round(Date.parse(last.expires) - killedAt)} ms, taken over at +${Math.round(entered - killedAt)} ms (earliest allowed +${Math.round(earliest - killedAt)} ms)`);
      assert.ok(entered > killedAt);
      assert.ok(enteredWall >= earliest, `taken over ${Math.round(earliest - enteredWall)} ms before expiry + skew`);
      assert.ok(enteredWall <= earliest + SLACK_MS, `taken over ${Math.round(enteredWall - earliest)} ms after expiry + skew`);
      assert.equal(removed?.holderPid, last.pid, 'the taker removed the dead holder\'s lock');
      assert.deepEqual(readdirSync(join(root, 'crash', 'locks')).filter((f) => !f.startsWith('.')), [], 'nothing left behind');
    } finally {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
