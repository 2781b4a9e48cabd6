// Real processes racing for the repository lock on a LocalBackend directory for ~24 s: each takes
// a random kind of lock, holds it a random time and lets it go. From the logs of all processes:
// no exclusive interval overlaps any other interval, and no holder ever saw a conflicting marker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ChildArgs } from '../support/lock-child.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const CHILD = join(ROOT, 'test', 'support', 'lock-child.ts');
const PROCESSES = 3;
const RACE_MS = 24_000;
// Short leases so that refreshes happen under contention (3 % of holds outlast a lease).
const PARAMS = { leaseMs: 2_000, refreshMs: 600, stopMarginMs: 500, settleMs: 50, skewMs: 200, pollMs: 25 };

interface LogLine { pid: number; ev: string; t: number; kind?: 'shared' | 'exclusive'; n?: number; conflict?: string[]; lost?: boolean }
interface Interval { pid: number; kind: 'shared' | 'exclusive'; enter: number; exit: number }

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

test(`${PROCESSES} processes race for the lock for ${RACE_MS / 1000} s: no exclusive interval overlaps another`, { timeout: RACE_MS + 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'panther-lock-race-'));
  const children: ChildProcess[] = [];
  try {
    const witness = join(dir, 'witness');
    mkdirSync(witness);
    const until = Date.now() + RACE_MS;
    for (let i = 0; i < PROCESSES; i++) {
      const args: ChildArgs = { mode: 'race', root: join(dir, 'repo'), host: 'race', log: join(dir, `log-${i}.jsonl`), witness, params: PARAMS, until, exclusiveChance: 0.33, waitMs: 10_000 };
      children.push(spawn(NODE, [CHILD, JSON.stringify(args)], { stdio: ['ignore', 'inherit', 'inherit'] }));
    }
    const codes = await Promise.all(children.map(exited));
    assert.deepEqual(codes, children.map(() => 0));

    const lines: LogLine[] = readdirSync(dir).filter((f) => f.startsWith('log-')).flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LogLine));
    const intervals: Interval[] = [];
    for (const enter of lines.filter((l) => l.ev === 'enter')) {
      const exit = lines.find((l) => l.ev === 'exit' && l.pid === enter.pid && l.n === enter.n)!;
      intervals.push({ pid: enter.pid, kind: enter.kind!, enter: enter.t, exit: exit.t });
    }
    const overlaps: string[] = [];
    let sharedOverlaps = 0;
    for (const a of intervals) {
      for (const b of intervals) {
        if (a.pid >= b.pid || !(a.enter < b.exit && b.enter < a.exit)) continue;
        if (a.kind === 'shared' && b.kind === 'shared') sharedOverlaps++;
        else overlaps.push(`${a.pid} ${a.kind} [${a.enter.toFixed(3)}, ${a.exit.toFixed(3)}] × ${b.pid} ${b.kind} [${b.enter.toFixed(3)}, ${b.exit.toFixed(3)}]`);
      }
    }
    const conflicts = lines.filter((l) => l.ev === 'enter' && (l.conflict?.length ?? 0) > 0);
    const count = (ev: string): number => lines.filter((l) => l.ev === ev).length;
    const figures = {
      processes: PROCESSES, acquisitions: intervals.length,
      exclusive: intervals.filter((i) => i.kind === 'exclusive').length, shared: intervals.filter((i) => i.kind === 'shared').length,
      sharedOverlaps, overlaps: overlaps.length, witnessConflicts: conflicts.length,
      refused: count('refused'), lost: count('lost'), observeFailed: count('observe-failed'), refreshFailed: count('refresh-failed'),
      longHolds: intervals.filter((i) => i.exit - i.enter > PARAMS.leaseMs).length,
    };
    t.diagnostic(`lock race ${JSON.stringify(figures)}`);
    console.log(`# lock race ${JSON.stringify(figures)}`);
    assert.deepEqual(overlaps, []);
    assert.deepEqual(conflicts, []);
    assert.equal(figures.lost, 0, 'no lease lapsed on a local disk');
    assert.ok(figures.exclusive >= 20, `exclusive acquisitions: ${figures.exclusive}`);
    assert.ok(figures.shared >= 40, `shared acquisitions: ${figures.shared}`);
    assert.ok(sharedOverlaps > 0, 'shared holders did run concurrently');
    assert.ok(figures.longHolds > 0, 'some holds outlasted a lease (refreshed under contention)');
    assert.deepEqual(readdirSync(join(dir, 'repo', 'race', 'locks')).filter((f) => !f.startsWith('.')), [], 'every lock was released');
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
