import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BackupPolicy } from '../plan/types.ts';
import { scheduleFromPlan, windowState } from '../plan/backup-window.ts';
import { STOP_MARGIN, drainMs, packMs, uploadDecision } from './window.ts';

const SPEC: BackupPolicy = { window: { weekdays: '02:00-05:00', weekends: '02:00-06:00' }, staggerMinutes: 0, bandwidthBitsPerSecond: 10e6, monthlyBudgetUsd: 5 };
const policy = (over: Partial<BackupPolicy> = {}): BackupPolicy => ({ ...SPEC, ...over });
const at = (iso: string): number => Date.parse(iso);
const H = 3_600_000;
const MIN = 60_000;

test('stop margin: the pack in flight, the pack behind it and the sealed chunks, at the cap, plus safety', () => {
  const input = { packSize: 32 * 1024 * 1024, chunkMax: 8 * 1024 * 1024, bitsPerSecond: 10e6 };
  const bytes = 2 * 32 * 1024 * 1024 + 3 * 8 * 1024 * 1024;
  assert.equal(drainMs(input), Math.ceil((bytes * 8 * 1000) / 10e6) + STOP_MARGIN.safetyMs);
  // b2 knowledge §7: one 32 MiB pack at 10 Mbit/s ≈ 26.8 s.
  assert.equal(packMs(input), 26844);
  assert.equal(drainMs({ ...input, bitsPerSecond: null }), STOP_MARGIN.safetyMs);
});

test('stop margin: no start when closed or when less than drain + one pack is left', () => {
  const s = scheduleFromPlan(policy(), 'UTC');
  const input = { packSize: 32 * 1024 * 1024, chunkMax: 8 * 1024 * 1024, bitsPerSecond: 10e6 };
  const closesAt = at('2026-03-10T05:00:00Z');
  const stopAt = closesAt - drainMs(input);
  const early = uploadDecision(windowState(s, at('2026-03-10T02:00:00Z')), at('2026-03-10T02:00:00Z'), input);
  assert.equal(early.start, true);
  assert.equal(early.stopAt, stopAt);
  const justFits = stopAt - packMs(input) - 1;
  assert.equal(uploadDecision(windowState(s, justFits), justFits, input).start, true);
  const tooLate = stopAt - packMs(input);
  const late = uploadDecision(windowState(s, tooLate), tooLate, input);
  assert.equal(late.start, false);
  assert.match(late.reason, /too late.*resumes next night/);
  const closed = uploadDecision(windowState(s, at('2026-03-10T06:00:00Z')), at('2026-03-10T06:00:00Z'), input);
  assert.equal(closed.start, false);
  assert.match(closed.reason, /^window closed: resumes next night \(opens 2026-03-11T02:00:00.000Z\)/);
});
