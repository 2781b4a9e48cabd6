// Unit tests of the lock on a MemoryBackend (or the lagging simulation) with a fake clock: every
// delay of the protocol is checked to the millisecond.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBackend } from '../backend/memory.ts';
import { FaultBackend } from '../backend/fault.ts';
import { acquireRepoLock, listRepoLocks, removeStaleLocks } from './index.ts';
import type { AcquireOptions, LockClock, LockEvent, LockKind, LockParams, RepoLock } from './index.ts';
import type { Backend } from '../backend/backend.ts';
import { FakeClock } from './testing/fake-clock.ts';
import { LaggyStore, NO_LAG, seeded } from './testing/laggy-backend.ts';
import { lockName } from './lock-object.ts';

const HOST = 'nas';
const P: LockParams = { leaseMs: 30_000, refreshMs: 10_000, stopMarginMs: 6_000, settleMs: 1_000, skewMs: 2_000, pollMs: 500 };

function acquire(backend: Backend, clock: LockClock, kind: LockKind, over: Partial<AcquireOptions> = {}): Promise<RepoLock> {
  return acquireRepoLock(backend, HOST, kind, { holder: `test ${kind}`, clock, params: P, hostname: 'box', pid: 7, ...over });
}

/** Whether `promise` has settled by now (without waiting). */
function tracker<T>(promise: Promise<T>): { done: () => boolean } {
  let done = false;
  promise.then(() => { done = true; }, () => { done = true; });
  return { done: () => done };
}

test('an uncontended lock is held after the settle delay, not before; release deletes it and aborts the signal', async () => {
  const clock = new FakeClock();
  const backend = new MemoryBackend();
  const pending = acquire(backend, clock, 'exclusive', { holder: 'backup prune' });
  const t = tracker(pending);
  await clock.advance(P.settleMs - 1);
  assert.equal(t.done(), false);
  const lock = await clock.run(pending);
  assert.equal(clock.elapsed, P.settleMs);
  const [entry, ...rest] = await listRepoLocks(backend, HOST, { clock, params: P });
  assert.equal(rest.length, 0);
  assert.equal(entry!.status, 'live');
  assert.equal(entry!.name, lock.info.name);
  assert.match(entry!.name, /^nas\/locks\/exclusive-20261124T020000\.000Z-[0-9a-f]{16}$/);
  assert.deepEqual({ ...entry!.content, nonce: 'n' }, {
    format: 'panther-lock', version: 1, host: HOST, kind: 'exclusive', holder: 'backup prune', hostname: 'box', pid: 7, nonce: 'n',
    created: '2026-11-24T02:00:00.000Z', state: 'held', acquired: '2026-11-24T02:00:01.000Z',
    refreshed: '2026-11-24T02:00:01.000Z', expires: '2026-11-24T02:00:31.000Z', seq: 2, leaseMs: 30_000,
  });
  assert.equal(lock.info.acquired, '2026-11-24T02:00:01.000Z');
  lock.check();
  await clock.run(lock.release());
  assert.deepEqual(await listRepoLocks(backend, HOST, { clock, params: P }), []);
  assert.equal(lock.signal.aborted, true);
  assert.equal((lock.signal.reason as { code: string }).code, 'lock-released');
  assert.throws(() => lock.check(), { code: 'lock-lost' });
  assert.equal(clock.pending, 0, 'no timers left behind');
});

test('shared locks coexist; an exclusive contender is refused with who holds it, since when, and leaves nothing behind', async () => {
  const clock = new FakeClock();
  const backend = new MemoryBackend();
  const a = await clock.run(acquire(backend, clock, 'shared', { holder: 'backup run', hostname: 'nas', pid: 101 }));
  await clock.advance(5_000);
  const b = await clock.run(acquire(backend, clock, 'shared', { holder: 'backup check', hostname: 'nas', pid: 102 }));
  await clock.advance(5_000);
  const refused = await clock.run(acquire(backend, clock, 'exclusive', { holder: 'backup prune', hostname: 'admin', pid: 9 }).then(() => null, (e: unknown) => e));
  assert.ok(refused instanceof Error);
  const error = refused as Error & { code: string; exitCode: number; hint: string; details: Record<string, unknown> };
  assert.equal(error.code, 'repo-locked');
  assert.equal(error.exitCode, 11);
  assert.match(error.message, /^repository of nas is locked: cannot take the exclusive lock; shared lock of "backup (run|check)" \(pid 10[12] on nas\), held since 2026-11-24T02:00:/);
  assert.match(error.hint, /lapses at 2026-11-24T02:00:/);
  assert.match(error.hint, /panther backup unlock/);
  assert.equal(error.details.kind, 'shared');
  assert.equal((await listRepoLocks(backend, HOST, { clock, params: P })).length, 2, 'the refused contender withdrew its object');
  await clock.run(Promise.all([a.release(), b.release()]));
  const c = await clock.run(acquire(backend, clock, 'exclusive'));
  await clock.run(c.release());
});

test('a shared contender is refused while an exclusive lock is held, and reads no shared lock objects', async () => {
  const clock = new FakeClock();
  const backend = new FaultBackend(new MemoryBackend());
  const ex = await clock.run(acquire(backend, clock, 'exclusive', { holder: 'backup prune' }));
  await assert.rejects(clock.run(acquire(backend, clock, 'shared', { holder: 'backup run' })), (e: Error) => /exclusive lock of "backup prune" \(pid 7 on box\), held since 2026-11-24T02:00:01.000Z/.test(e.message));
  await clock.run(ex.release());
  const s1 = await clock.run(acquire(backend, clock, 'shared'));
  const gets = backend.stats.calls.get;
  const s2 = await clock.run(acquire(backend, clock, 'shared'));
  assert.equal(backend.stats.calls.get, gets + 0, 'a shared contender never GETs shared locks');
  await clock.run(Promise.all([s1.release(), s2.release()]));
});

test('a holder refreshes every refreshMs and keeps the lock for many leases; contenders at any moment are refused', async () => {
  const clock = new FakeClock();
  const backend = new MemoryBackend();
  const lock = await clock.run(acquire(backend, clock, 'exclusive'));
  const seen: number[] = [];
  for (let i = 0; i < 20; i++) {
    await clock.advance(P.leaseMs / 2 + 777);
    lock.check();
    const [entry] = await listRepoLocks(backend, HOST, { clock, params: P });
    seen.push(entry!.content!.seq);
    assert.ok(Date.parse(entry!.content!.expires) - clock.now() > P.leaseMs - P.refreshMs - 1, 'expiry keeps moving');
    if (i % 5 === 0) await assert.rejects(clock.run(acquire(backend, clock, 'shared')), { code: 'repo-locked' });
  }
  assert.ok(seen.every((s, i) => i === 0 || s > seen[i - 1]!), `seq grows: ${seen.join(',')}`);
  assert.equal(lock.signal.aborted, false);
  await clock.run(lock.release());
});

test('a crashed holder is taken over after expiry + skew, not before — with clocks skewed the worst way', async () => {
  const clock = new FakeClock();
  const store = new LaggyStore(clock, seeded(1), NO_LAG);
  const holderConn = store.connect();
  // The holder's clock runs 1 s slow and the taker's 1 s fast: their difference is the full skewMs.
  const holder = await clock.run(acquire(holderConn, clock.skewed(-1_000), 'exclusive'));
  await clock.advance(25_000);
  const lastRefresh = (await clock.run(listRepoLocks(store.connect(), HOST, { clock, params: P })))[0]!.content!;
  const lastStart = Date.parse(lastRefresh.refreshed) + 1_000 - clock.epoch; // virtual (true) time
  holderConn.kill();
  const events: LockEvent[] = [];
  const taker = acquire(store.connect(), clock.skewed(1_000), 'shared', { waitMs: 3_600_000, onEvent: (e) => events.push(e) });
  const t = tracker(taker);
  let holderStopped = -1;
  holder.signal.addEventListener('abort', () => { holderStopped = clock.elapsed; });
  while (!t.done()) await clock.advance(100);
  const lock = await taker;
  const entered = clock.elapsed;
  // The holder's own signal fired at its last refresh start + lease − stop margin ...
  assert.equal(holderStopped, lastStart + P.leaseMs - P.stopMarginMs);
  // ... and the taker got in only when, by its fast clock, expiry + skew had passed: true time
  // lastStart + lease; at most one poll later.
  assert.ok(entered >= lastStart + P.leaseMs, `entered at ${entered}, lease of the crashed holder ran to ${lastStart + P.leaseMs}`);
  assert.ok(entered <= lastStart + P.leaseMs + P.pollMs, `entered at ${entered}`);
  assert.ok(events.some((e) => e.type === 'waiting'));
  assert.ok(events.some((e) => e.type === 'stale-removed' && e.lock.content?.holder === 'test exclusive'));
  const left = await clock.run(listRepoLocks(store.connect(), HOST, { clock, params: P }));
  assert.deepEqual(left.map((e) => e.name), [lock.info.name], 'the stale object was deleted by the taker');
  await clock.run(lock.release());
});

test('failed refreshes abort the signal stopMarginMs before the lease ends; a lapsed lease stays lapsed', async () => {
  const clock = new FakeClock();
  let failing = '';
  const backend = new FaultBackend(new MemoryBackend(), { failWhen: (call) => call.op === 'put' && call.name === failing });
  const events: LockEvent[] = [];
  const lock = await clock.run(acquire(backend, clock, 'exclusive', { onEvent: (e) => events.push(e) }));
  const lastStart = clock.elapsed; // markHeld wrote at the moment of acquisition
  failing = lock.info.name;
  await clock.advance(P.leaseMs - P.stopMarginMs - 1);
  lock.check();
  assert.equal(lock.signal.aborted, false);
  assert.ok(events.filter((e) => e.type === 'refresh-failed').length >= 2, 'retried every pollMs');
  await clock.advance(1);
  assert.equal(lock.signal.aborted, true);
  assert.equal(clock.elapsed, lastStart + P.leaseMs - P.stopMarginMs);
  assert.equal((lock.signal.reason as { code: string }).code, 'lock-lost');
  assert.match((lock.signal.reason as Error).message, /no refresh succeeded in time; the last one began at 2026-11-24T02:00:01.000Z \(last error: injected fault/);
  assert.throws(() => lock.check(), { code: 'lock-lost' });
  // Until its expiry + skew, the lapsed holder's object still keeps others out.
  await assert.rejects(clock.run(acquire(backend, clock, 'shared')), { code: 'repo-locked' });
  failing = '';
  await clock.advance(P.refreshMs * 3);
  assert.throws(() => lock.check(), { code: 'lock-lost' }, 'no revival after the backend recovers');
  await assert.rejects(lock.verify(), { code: 'lock-lost' });
  await clock.run(lock.release());
  assert.deepEqual(await listRepoLocks(backend, HOST, { clock, params: P }), []);
});

test('a suspend that outlasts the lease is caught by the wall clock though the monotonic clock stood still', async () => {
  const clock = new FakeClock();
  let suspended = 0;
  const laptop: LockClock = { now: () => clock.now() + suspended, monotonic: () => clock.monotonic(), sleep: (ms, s) => clock.sleep(ms, s) };
  const lock = await clock.run(acquire(new MemoryBackend(), laptop, 'exclusive'));
  await clock.advance(2_000);
  suspended = P.leaseMs; // woke up: wall time jumped, timers have not fired
  assert.throws(() => lock.check(), { code: 'lock-lost' });
  assert.equal(lock.signal.aborted, true);
  await clock.run(lock.release());
});

test('two exclusive contenders started together: one holds, the other waits and follows on release', async () => {
  const clock = new FakeClock();
  const backend = new MemoryBackend();
  const a = acquire(backend, clock, 'exclusive', { holder: 'a', waitMs: 600_000 });
  const b = acquire(backend, clock, 'exclusive', { holder: 'b', waitMs: 600_000 });
  const first = await clock.run(Promise.race([a, b]));
  const second = first.info.holder === 'a' ? b : a;
  const t = tracker(second);
  await clock.advance(60_000);
  assert.equal(t.done(), false, 'the second waits while the first holds (across refreshes)');
  first.check();
  await clock.run(first.release());
  const next = await clock.run(second);
  assert.notEqual(next.info.holder, first.info.holder);
  await clock.run(next.release());
});

test('list lag up to settleMs is tolerated; with a shorter settle both would hold (the settle is load-bearing)', async () => {
  for (const [settleMs, expectSafe] of [[1_000, true], [0, false]] as const) {
    let bothHeld = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const clock = new FakeClock();
      // A new object is missing from half the listings for 999 ms after it is created.
      const store = new LaggyStore(clock, seeded(seed), { ...NO_LAG, listLagMs: 999, lagChance: 0.5 });
      const params = { ...P, settleMs };
      const results = await clock.run(Promise.allSettled([
        acquireRepoLock(store.connect(), HOST, 'exclusive', { holder: 'x', clock, params }),
        clock.sleep(seed * 40).then(() => acquireRepoLock(store.connect(), HOST, seed % 2 === 0 ? 'shared' : 'exclusive', { holder: 'y', clock, params })),
      ]));
      const held = results.filter((r) => r.status === 'fulfilled');
      if (held.length === 2) bothHeld++;
      for (const r of held) await clock.run(r.value.release());
    }
    if (expectSafe) assert.equal(bothHeld, 0, 'settle ≥ lag: never both');
    else assert.ok(bothHeld > 0, 'settle < lag: the harness does see the violation');
  }
});

test('a waiting exclusive lock keeps new shared contenders out, so writers cannot starve a prune', async () => {
  const clock = new FakeClock();
  const backend = new MemoryBackend();
  const writer1 = await clock.run(acquire(backend, clock, 'shared', { holder: 'writer 1' }));
  const prune = acquire(backend, clock, 'exclusive', { holder: 'prune', waitMs: 3_600_000 });
  await clock.advance(5_000);
  await assert.rejects(clock.run(acquire(backend, clock, 'shared', { holder: 'writer 2' })), (e: Error) => /waiting for the lock since/.test(e.message));
  const writer3 = acquire(backend, clock, 'shared', { holder: 'writer 3', waitMs: 3_600_000 });
  const t3 = tracker(writer3);
  await clock.advance(20_000);
  await clock.run(writer1.release());
  const pruneLock = await clock.run(prune);
  assert.equal(t3.done(), false, 'writer 3 queues behind the prune');
  await clock.advance(10_000);
  await clock.run(pruneLock.release());
  const w3 = await clock.run(writer3);
  await clock.run(w3.release());
});

test('verify() notices a forced unlock and an impossible rival; check() alone cannot', async () => {
  const clock = new FakeClock();
  const backend = new MemoryBackend();
  const lock = await clock.run(acquire(backend, clock, 'exclusive'));
  await clock.run(lock.verify());
  const report = await removeStaleLocks(backend, HOST, { clock, params: P, force: true });
  assert.equal(report.removed.length, 1);
  lock.check();
  await assert.rejects(clock.run(lock.verify()), (e: Error) => /gone from the backend/.test(e.message));
  assert.equal(lock.signal.aborted, true);
  await clock.run(lock.release());

  const second = await clock.run(acquire(backend, clock, 'shared'));
  // A held exclusive lock appearing beside ours means an assumption failed (e.g. a clock far off).
  const elsewhere = new MemoryBackend();
  const rival = await clock.run(acquire(elsewhere, clock, 'exclusive', { holder: 'elsewhere' }));
  await backend.put(rival.info.name, await elsewhere.get(rival.info.name));
  await assert.rejects(clock.run(second.verify()), (e: Error) => /exclusive lock of "elsewhere" .* claims a conflicting lock/.test(e.message));
  await clock.run(Promise.all([second.release(), rival.release()]));
});

test('release waits for a refresh in flight, so the object is not recreated after the delete', async () => {
  const clock = new FakeClock();
  const store = new LaggyStore(clock, seeded(3), { ...NO_LAG, latencyMs: 2_000 });
  const lock = await clock.run(acquire(store.connect(), clock, 'exclusive'));
  // Run until a refresh PUT is in flight, then release.
  await clock.advance(P.refreshMs + 10);
  await clock.run(lock.release());
  await clock.advance(P.leaseMs);
  assert.deepEqual(await store.inner.head(lock.info.name), null);
});

test("the caller's signal stops a waiting acquisition and takes its object back", async () => {
  const clock = new FakeClock();
  const backend = new MemoryBackend();
  const holder = await clock.run(acquire(backend, clock, 'exclusive'));
  const stop = new AbortController();
  const waiting = acquire(backend, clock, 'shared', { waitMs: 3_600_000, signal: stop.signal });
  const outcome = waiting.then(() => 'held', (e: unknown) => e);
  await clock.advance(5_000);
  stop.abort(new Error('window closed'));
  assert.equal(((await clock.run(outcome)) as Error).message, 'window closed');
  assert.equal((await listRepoLocks(backend, HOST, { clock, params: P })).length, 1);
  await clock.run(holder.release());
});

test('removeStaleLocks removes expired locks only (unreadable and live stay); force removes all; foreign names are ignored', async () => {
  const clock = new FakeClock();
  const store = new LaggyStore(clock, seeded(2), NO_LAG);
  const crashedConn = store.connect();
  const crashed = await clock.run(acquire(crashedConn, clock, 'shared', { holder: 'crashed' }));
  crashedConn.kill();
  const live = await clock.run(acquire(store.connect(), clock, 'shared', { holder: 'live' }));
  await store.inner.put(lockName(HOST, 'exclusive', clock.now(), 'f'.repeat(16)), Buffer.from('garbage'));
  await store.inner.put(`${HOST}/locks/README`, Buffer.from('not a lock'));
  const admin = store.connect();
  const before = await clock.run(listRepoLocks(admin, HOST, { clock, params: P }));
  assert.deepEqual(before.map((e) => e.status), ['unreadable', 'live', 'live']);
  assert.match(before[0]!.problem!, /is not JSON/);
  await clock.advance(P.leaseMs + P.skewMs + 1);
  const stale = await clock.run(removeStaleLocks(admin, HOST, { clock, params: P }));
  assert.deepEqual(stale.removed.map((e) => e.content?.holder), ['crashed']);
  assert.deepEqual(stale.kept.map((e) => e.content?.holder ?? e.status), ['unreadable', 'live']);
  const forced = await clock.run(removeStaleLocks(admin, HOST, { clock, params: P, force: true }));
  assert.equal(forced.removed.length, 2);
  assert.deepEqual(await clock.run(listRepoLocks(admin, HOST, { clock, params: P })), []);
  assert.notEqual(await store.inner.head(`${HOST}/locks/README`), null, 'not a lock name: left alone');
  await clock.run(Promise.all([crashed.release(), live.release()]));
});
