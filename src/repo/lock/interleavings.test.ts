// Randomized schedules: two or three contenders on one simulated store with latency, stalls,
// failed and lost-response requests, listings that lag by up to the settle delay, wall clocks
// skewed within skewMs, and processes killed while they hold. Each holder works in small steps,
// calling check() before each, as the API demands. The property: at no instant does an exclusive
// holder overlap any other holder. A control run with no settle delay shows the checker can fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acquireRepoLock } from './index.ts';
import type { LockKind, LockParams, RepoLock } from './index.ts';
import { FakeClock } from './testing/fake-clock.ts';
import { LaggyStore, seeded } from './testing/laggy-backend.ts';
import type { LaggyBackend, LagPlan } from './testing/laggy-backend.ts';

const PARAMS: LockParams = { leaseMs: 3_000, refreshMs: 1_000, stopMarginMs: 800, settleMs: 300, skewMs: 400, pollMs: 100 };
const STEP_MS = 100; // a holder's work step: shorter than stopMarginMs, as a real holder's must be
const RUN_MS = 40_000;

interface Interval { who: number; kind: LockKind; enter: number; exit: number; end: 'released' | 'lost' | 'killed' }

interface Outcome { intervals: Interval[]; overlaps: string[]; refused: number; errors: number; kills: number; takeovers: number }

async function schedule(seed: number, params: LockParams, lagOverride?: Partial<LagPlan>): Promise<Outcome> {
  const rng = seeded(seed);
  const clock = new FakeClock();
  const contenders = 2 + Math.floor(rng() * 2);
  const plan: LagPlan = {
    latencyMs: 40, stallRate: 0.02, stallMs: 500 + Math.floor(rng() * 4_000), failRate: 0.03,
    listLagMs: params.settleMs === 0 ? 250 : params.settleMs - 1, lagChance: 0.5, ...lagOverride,
  };
  const store = new LaggyStore(clock, seeded(seed * 7919), plan);
  const intervals: Interval[] = [];
  const outcome: Outcome = { intervals, overlaps: [], refused: 0, errors: 0, kills: 0, takeovers: 0 };
  const killAt = rng() < 0.5 ? { who: Math.floor(rng() * contenders), at: 5_000 + rng() * 25_000 } : undefined;

  const run = async (who: number): Promise<void> => {
    const r = seeded(seed * 31 + who);
    const conn: LaggyBackend = store.connect();
    const wall = clock.skewed((r() - 0.5) * params.skewMs);
    let dead = false;
    if (killAt?.who === who) void clock.sleep(killAt.at).then(() => { dead = true; conn.kill(); outcome.kills++; });
    while (!dead && clock.elapsed < RUN_MS) {
      const kind: LockKind = r() < 0.4 ? 'exclusive' : 'shared';
      let lock: RepoLock;
      try {
        lock = await acquireRepoLock(conn, 'sim', kind, { holder: `c${who}`, clock: wall, params, waitMs: Math.floor(r() * 5_000), random: r, hostname: 'sim', pid: who });
      } catch (error) {
        if ((error as { code?: string }).code === 'repo-locked') outcome.refused++;
        else {
          // Failed requests (and a lease that lapsed while waiting) are expected; anything else is a bug.
          const code = (error as { code?: string }).code ?? (error as Error).name;
          if (code !== 'SimulatedFailure' && code !== 'lock-lost') throw error;
          outcome.errors++;
        }
        await clock.sleep(r() * 500);
        continue;
      }
      const enter = clock.elapsed;
      const holdMs = r() < 0.15 ? 2_000 + r() * 8_000 : r() * 600;
      let end: Interval['end'] = 'released';
      for (;;) {
        if (dead) { end = 'killed'; break; }
        try { lock.check(); } catch { end = 'lost'; break; }
        if (clock.elapsed - enter >= holdMs) break;
        await clock.sleep(Math.min(STEP_MS, holdMs - (clock.elapsed - enter)));
      }
      intervals.push({ who, kind, enter, exit: clock.elapsed, end });
      if (end === 'killed') return; // a dead process releases nothing
      await lock.release();
      await clock.sleep(r() * 300);
    }
  };
  await clock.run(Promise.all(Array.from({ length: contenders }, (_, who) => run(who))), RUN_MS * 10);

  for (const a of intervals) {
    for (const b of intervals) {
      if (a.who >= b.who || (a.kind === 'shared' && b.kind === 'shared')) continue;
      if (a.enter < b.exit && b.enter < a.exit) outcome.overlaps.push(`seed ${seed}: c${a.who} ${a.kind} [${a.enter}, ${a.exit}) ${a.end} overlaps c${b.who} ${b.kind} [${b.enter}, ${b.exit}) ${b.end}`);
    }
  }
  const killed = intervals.find((i) => i.end === 'killed');
  if (killed !== undefined && intervals.some((i) => i.enter > killed.exit && (i.kind === 'exclusive' || killed.kind === 'exclusive'))) outcome.takeovers++;
  return outcome;
}

test('randomized interleavings: an exclusive holder never overlaps another holder (200 schedules)', async () => {
  const totals = { schedules: 0, acquisitions: 0, exclusive: 0, lost: 0, killedHolding: 0, takeovers: 0, refused: 0, errors: 0 };
  const overlaps: string[] = [];
  for (let seed = 1; seed <= 200; seed++) {
    const o = await schedule(seed, PARAMS);
    totals.schedules++;
    totals.acquisitions += o.intervals.length;
    totals.exclusive += o.intervals.filter((i) => i.kind === 'exclusive').length;
    totals.lost += o.intervals.filter((i) => i.end === 'lost').length;
    totals.killedHolding += o.intervals.filter((i) => i.end === 'killed').length;
    totals.takeovers += o.takeovers;
    totals.refused += o.refused;
    totals.errors += o.errors;
    overlaps.push(...o.overlaps);
  }
  console.log(`# interleavings ${JSON.stringify(totals)}`);
  assert.deepEqual(overlaps, []);
  // The schedules must have exercised what the property is about.
  assert.ok(totals.exclusive > 1_000, `exclusive acquisitions: ${totals.exclusive}`);
  assert.ok(totals.lost > 10, `leases lost to stalls/failures: ${totals.lost}`);
  assert.ok(totals.takeovers > 10, `takeovers after a holder was killed: ${totals.takeovers}`);
  assert.ok(totals.refused > 100);
});

test('control: without the settle delay the same schedules do produce overlaps', async () => {
  let found = 0;
  for (let seed = 1; seed <= 40 && found === 0; seed++) found += (await schedule(seed, { ...PARAMS, settleMs: 0 })).overlaps.length;
  assert.ok(found > 0, 'the checker can see a violation');
});
