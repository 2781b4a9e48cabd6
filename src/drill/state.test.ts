import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSchema } from '../core/schema.ts';
import { drillState } from './state-schema.ts';
import { beginDrill, effectiveState, emptyDrillState, finishDrill, HISTORY_LIMIT } from './state.ts';
import type { DrillResult } from './types.ts';

const result = (level: DrillResult['level'], outcome: DrillResult['outcome'], at: string, subvolumes: string[] = []): DrillResult => ({
  level, startedAt: at, finishedAt: at, outcome, repository: '/repo', download: { bytes: 0, usd: 0, budgetUsd: null }, deferred: [],
  subvolumes: subvolumes.map((s) => ({
    subvolume: s, point: 'p', snapshot: `${s}.x`, snapshotTime: at, chainLength: 1, restoredBytes: 1, storedBytes: 1, sourceBytes: 1, restoreMs: 1,
    verifiedAgainst: 'stream-hash', differences: 0, differenceSample: [], databases: [], ok: true,
    rto: { objectiveMinutes: null, impliedMinutes: 0, impliedMinutesAtLink: 0, linkBitsPerSecond: 1e7, met: null },
  })),
});

test('a finished drill: newest per level, passes and restores remembered, the previous one in the history', () => {
  let s = emptyDrillState('h', '2026-12-01T00:00:00Z');
  s = beginDrill(s, { level: 'restore', pid: 4242, startTicks: '1', since: '2026-12-01T00:00:00Z' });
  s = finishDrill(s, result('restore', 'passed', '2026-12-01T01:00:00Z', ['@home']));
  s = finishDrill(s, result('restore', 'failed', '2026-12-02T01:00:00Z'));
  assert.equal(s.running, null);
  assert.equal(s.last.restore?.outcome, 'failed');
  assert.equal(s.lastPassedAt.restore, '2026-12-01T01:00:00Z', 'a failure does not move the last pass');
  assert.equal(s.lastRestoredAt['@home'], '2026-12-01T01:00:00Z');
  assert.equal(s.history.length, 1);
  assert.equal(checkSchema(drillState, JSON.parse(JSON.stringify(s))).ok, true);
});

test('the history is bounded', () => {
  let s = emptyDrillState('h', '2026-01-01T00:00:00Z');
  for (let i = 0; i < HISTORY_LIMIT + 20; i++) s = finishDrill(s, result('integrity', 'passed', new Date(Date.parse('2026-01-01T00:00:00Z') + i * 1000).toISOString()));
  assert.equal(s.history.length, HISTORY_LIMIT);
});

test('a running drill whose process is gone reads as interrupted, a live one as running', () => {
  const s = beginDrill(emptyDrillState('h', '2026-12-01T00:00:00Z'), { level: 'disaster', pid: 999_999, startTicks: '5', since: '2026-12-01T00:00:00Z' });
  const dead = effectiveState(s, () => false, '2026-12-01T02:00:00Z');
  assert.equal(dead.running, null);
  assert.equal(dead.last.disaster?.outcome, 'interrupted');
  assert.match(dead.last.disaster!.reason!.message, /pid 999999/);
  assert.equal(effectiveState(s, () => true, '2026-12-01T02:00:00Z'), s);
});

test('the schema refuses a hand-edited outcome and a __proto__ key', () => {
  const s = finishDrill(emptyDrillState('h', '2026-12-01T00:00:00Z'), result('restore', 'passed', '2026-12-01T01:00:00Z'));
  const bad = JSON.parse(JSON.stringify(s));
  bad.last.restore.outcome = 'great';
  assert.equal(checkSchema(drillState, bad).ok, false);
  assert.equal(checkSchema(drillState, JSON.parse('{"__proto__": 1}')).ok, false);
});
