import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compactTime, decodeLock, encodeLock, lockName, parseLockName } from './lock-object.ts';
import type { LockContent } from './lock-object.ts';
import { objectNameProblem } from '../backend/backend.ts';
import { lockParamProblems, DEFAULT_LOCK_PARAMS, MAX_LEASE_MS, mergeLockParams } from './params.ts';
import { beyondLongestLease } from './observe.ts';
import { decide } from './decide.ts';
import type { LockEntry } from './observe.ts';

const T = Date.parse('2026-11-24T02:00:00.123Z');

function content(name: string, over: Partial<LockContent> = {}): LockContent {
  const parsed = parseLockName('nas', name)!;
  return {
    format: 'panther-lock', version: 1, host: 'nas', kind: parsed.kind, holder: 'backup run', hostname: 'nas', pid: 42,
    nonce: parsed.nonce, created: new Date(parsed.createdMs).toISOString(), state: 'held', acquired: null,
    refreshed: '2026-11-24T02:00:00.123Z', expires: '2026-11-24T02:15:00.123Z', seq: 1, leaseMs: 900_000, ...over,
  };
}

test('lock names are valid object names, sort by time and round-trip', () => {
  const name = lockName('nas', 'exclusive', T, '0123456789abcdef');
  assert.equal(name, 'nas/locks/exclusive-20261124T020000.123Z-0123456789abcdef');
  assert.equal(objectNameProblem(name), undefined);
  const parsed = parseLockName('nas', name)!;
  assert.deepEqual(parsed, { name, kind: 'exclusive', createdMs: T, nonce: '0123456789abcdef', order: '20261124T020000.123Z-0123456789abcdef' });
  const later = parseLockName('nas', lockName('nas', 'shared', T + 1, '0000000000000000'))!;
  assert.ok(parsed.order < later.order, 'order follows time across kinds');
  assert.equal(compactTime(0), '19700101T000000.000Z');
  for (const bad of ['nas/locks/README', 'nas/locks/exclusive-20261124T020000Z-0123456789abcdef', 'other/locks/' + name.slice(10), 'nas/locks/weird-20261124T020000.123Z-0123456789abcdef']) {
    assert.equal(parseLockName('nas', bad), undefined, bad);
  }
});

test('lock bodies are checked against their names', () => {
  const name = lockName('nas', 'shared', T, 'aaaaaaaaaaaaaaaa');
  const parsed = parseLockName('nas', name)!;
  const body = content(name);
  assert.deepEqual(decodeLock('nas', parsed, encodeLock(body)), body);
  assert.match(decodeLock('nas', parsed, Buffer.from('{')) as string, /not JSON/);
  assert.match(decodeLock('nas', parsed, encodeLock(content(name, { kind: 'exclusive' }))) as string, /name says shared/);
  assert.match(decodeLock('nas', parsed, encodeLock(content(name, { version: 2 as 1 }))) as string, /version 2/);
  assert.match(decodeLock('nas', parsed, encodeLock(content(name, { nonce: 'b'.repeat(16) }))) as string, /nonce/);
  assert.match(decodeLock('nas', parsed, encodeLock(content(name, { expires: 'soon' }))) as string, /expiry/);
  assert.match(decodeLock('other', parsed, encodeLock(body)) as string, /host/);
});

test('lock parameters: defaults are valid, unsafe combinations are refused with every reason', () => {
  assert.deepEqual(lockParamProblems(DEFAULT_LOCK_PARAMS), []);
  assert.equal(DEFAULT_LOCK_PARAMS.refreshMs * 3, DEFAULT_LOCK_PARAMS.leaseMs);
  assert.deepEqual(lockParamProblems({ ...DEFAULT_LOCK_PARAMS, refreshMs: 7 * 60_000 }), ['need 2 × refreshMs ≤ leaseMs − stopMarginMs']);
  assert.deepEqual(lockParamProblems({ ...DEFAULT_LOCK_PARAMS, stopMarginMs: 20 * 60_000 }).length, 2);
  assert.deepEqual(lockParamProblems({ ...DEFAULT_LOCK_PARAMS, settleMs: -1 }), ['settleMs must be a non-negative integer']);
  assert.throws(() => mergeLockParams({ pollMs: 10 * 60_000 }), { code: 'bad-lock-params', exitCode: 2 });
});

function entry(kind: 'shared' | 'exclusive', at: number, status: LockEntry['status'], state: 'waiting' | 'held' = 'held'): LockEntry {
  const name = lockName('nas', kind, T + at, at.toString(16).padStart(16, '0'));
  const parsed = parseLockName('nas', name)!;
  return { ...parsed, status, ...(status === 'live' || status === 'expired' ? { content: content(name, { state }) } : {}) };
}

test('decide: exclusive needs no other live lock; shared needs no live exclusive one', () => {
  const me = (kind: 'shared' | 'exclusive', at: number): [ReturnType<typeof entry>, { name: string; kind: typeof kind; order: string }] => {
    const e = entry(kind, at, 'live', 'waiting');
    return [e, { name: e.name, kind, order: e.order }];
  };
  const [ex, exSelf] = me('exclusive', 5);
  const [sh, shSelf] = me('shared', 5);
  assert.equal(decide(exSelf, [ex]).action, 'hold');
  assert.equal(decide(exSelf, [ex, entry('shared', 1, 'expired')]).action, 'hold');
  assert.equal(decide(exSelf, [ex, entry('shared', 1, 'live')]).action, 'wait');
  assert.equal(decide(exSelf, [ex, entry('shared', 9, 'live')]).action, 'wait', 'a younger holder still blocks');
  assert.equal(decide(exSelf, [ex, entry('shared', 9, 'live', 'waiting')]).action, 'wait', 'a younger waiter will withdraw');
  assert.equal(decide(exSelf, [ex, entry('exclusive', 1, 'live', 'waiting')]).action, 'withdraw', 'an older waiter goes first');
  assert.equal(decide(exSelf, [ex, entry('exclusive', 1, 'unreadable')]).action, 'wait', 'unreadable counts as a live exclusive lock');
  assert.equal(decide(shSelf, [sh, entry('shared', 1, 'unread')]).action, 'hold');
  assert.equal(decide(shSelf, [sh, entry('shared', 1, 'live')]).action, 'hold');
  assert.equal(decide(shSelf, [sh, entry('exclusive', 9, 'live')]).action, 'wait');
  assert.equal(decide(shSelf, [sh, entry('exclusive', 1, 'live', 'waiting')]).action, 'withdraw', 'a queued prune keeps new writers out');
  assert.equal(decide(shSelf, [sh, entry('exclusive', 1, 'expired')]).action, 'hold');
  assert.equal(decide(shSelf, [entry('exclusive', 1, 'expired')]).action, 'restart', 'own object missing');
  const blocked = decide(exSelf, [ex, entry('shared', 1, 'live', 'waiting'), entry('shared', 9, 'live', 'held')]);
  assert.equal(blocked.action, 'withdraw');
  const waiting = decide(exSelf, [ex, entry('shared', 7, 'live', 'waiting'), entry('shared', 9, 'live', 'held')]);
  assert.ok(waiting.action === 'wait' && waiting.blocker.content?.state === 'held', 'the error names a holder, not a waiter');
});

test('a lease is bounded: an expiry beyond the longest lease (plus skew) is stale, a normal one is not', () => {
  const name = lockName('nas', 'exclusive', T, 'cccccccccccccccc');
  const skew = DEFAULT_LOCK_PARAMS.skewMs;
  assert.equal(beyondLongestLease(content(name), T, skew), undefined);
  const edge = new Date(T + MAX_LEASE_MS + skew).toISOString();
  assert.equal(beyondLongestLease(content(name, { expires: edge }), T, skew), undefined, 'exactly the longest lease ahead is still possible');
  const later = new Date(T + MAX_LEASE_MS + skew + 1).toISOString();
  assert.match(beyondLongestLease(content(name, { expires: later }), T, skew)!, /longest lease/);
  assert.match(beyondLongestLease(content(name, { expires: '2099-01-01T00:15:00.000Z' }), T, skew)!, /2099-01-01T00:15:00.000Z/);
  assert.deepEqual(lockParamProblems({ ...DEFAULT_LOCK_PARAMS, leaseMs: MAX_LEASE_MS + 1 }), [`leaseMs must be at most ${MAX_LEASE_MS} (the longest lease the format allows)`]);
});
