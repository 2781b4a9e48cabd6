import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BackupPolicy } from './types.ts';
import { parseWindow, scheduleFromFlag, scheduleFromPlan, windowState, windowsFrom } from './backup-window.ts';

const SPEC: BackupPolicy = { window: { weekdays: '02:00-05:00', weekends: '02:00-06:00' }, staggerMinutes: 0, bandwidthBitsPerSecond: 10e6, monthlyBudgetUsd: 5 };
const policy = (over: Partial<BackupPolicy> = {}): BackupPolicy => ({ ...SPEC, ...over });
const at = (iso: string): number => Date.parse(iso);
const H = 3_600_000;
const MIN = 60_000;

function* take<T>(it: Iterator<T>, n: number): Generator<T> {
  for (let i = 0; i < n; i++) {
    const r = it.next();
    if (r.done === true) return;
    yield r.value;
  }
}

test('window: parses HH:MM-HH:MM, through midnight when the end comes first', () => {
  assert.deepEqual(parseWindow('02:00-05:00'), { text: '02:00-05:00', startMinutes: 120, lengthMinutes: 180 });
  assert.deepEqual(parseWindow('23:00-01:30'), { text: '23:00-01:30', startMinutes: 1380, lengthMinutes: 150 });
  assert.deepEqual(parseWindow('00:00-23:59'), { text: '00:00-23:59', startMinutes: 0, lengthMinutes: 1439 });
});

test('window: malformed or empty windows are usage errors', () => {
  for (const text of ['2:00-05:00', '02:00', '02:00-05:00-06:00', '24:00-01:00', '02:00-05:60', '02:00-02:00', 'night', '']) {
    assert.throws(() => parseWindow(text), (e: { code?: string; exitCode?: number }) => e.code === 'bad-window' && e.exitCode === 2, text);
  }
  assert.throws(() => scheduleFromPlan(policy({ staggerMinutes: 180 }), 'UTC'), /leaves no time/);
  assert.throws(() => scheduleFromPlan(policy({ staggerMinutes: -5 }), 'UTC'), /leaves no time/);
});

test('window: weekdays 02:00–05:00, weekends 02:00–06:00, by the local date', () => {
  const s = scheduleFromPlan(policy(), 'UTC');
  // 2026-03-10 is a Tuesday.
  const tue = windowState(s, at('2026-03-10T03:00:00Z'));
  assert.equal(tue.open, true);
  assert.equal(tue.kind, 'weekdays');
  assert.equal(tue.closesAt, '2026-03-10T05:00:00.000Z');
  assert.equal(tue.remainingMs, 2 * H);
  assert.equal(tue.nextOpensAt, '2026-03-11T02:00:00.000Z');
  // Friday 05:30: the weekday window is over; the next opens Saturday and is a weekend one.
  const fri = windowState(s, at('2026-03-13T05:30:00Z'));
  assert.equal(fri.open, false);
  assert.equal(fri.remainingMs, 0);
  assert.equal(fri.kind, 'weekends');
  assert.equal(fri.opensAt, '2026-03-14T02:00:00.000Z');
  assert.equal(fri.closesAt, '2026-03-14T06:00:00.000Z');
  // Saturday 05:30 is inside the weekend window.
  const sat = windowState(s, at('2026-03-14T05:30:00Z'));
  assert.equal(sat.open, true);
  assert.equal(sat.remainingMs, 30 * MIN);
  // Sunday night's window (Monday 02:00) is a weekday one.
  const sun = windowState(s, at('2026-03-15T12:00:00Z'));
  assert.equal(sun.kind, 'weekdays');
  assert.equal(sun.closesAt, '2026-03-16T05:00:00.000Z');
});

test('window: the boundaries are [open, close)', () => {
  const s = scheduleFromPlan(policy(), 'UTC');
  assert.equal(windowState(s, at('2026-03-10T02:00:00Z')).open, true);
  assert.equal(windowState(s, at('2026-03-10T01:59:59.999Z')).open, false);
  assert.equal(windowState(s, at('2026-03-10T05:00:00Z')).open, false);
  assert.equal(windowState(s, at('2026-03-10T04:59:59.999Z')).open, true);
});

test('window: the stagger delays this host\'s start, not the end', () => {
  const s = scheduleFromPlan(policy({ staggerMinutes: 30 }), 'UTC');
  const early = windowState(s, at('2026-03-10T02:10:00Z'));
  assert.equal(early.open, false);
  assert.equal(early.opensAt, '2026-03-10T02:30:00.000Z');
  assert.equal(early.closesAt, '2026-03-10T05:00:00.000Z');
  const inside = windowState(s, at('2026-03-10T02:30:00Z'));
  assert.equal(inside.open, true);
  assert.equal(inside.remainingMs, 150 * MIN);
});

test('window: a window through midnight belongs to the date it opens on', () => {
  const s = scheduleFromPlan(policy({ window: { weekdays: '23:00-03:00', weekends: '23:00-05:00' } }), 'UTC');
  // Friday 23:00 opens a weekday window that closes Saturday 03:00.
  const friNight = windowState(s, at('2026-03-14T01:00:00Z'));
  assert.equal(friNight.open, true);
  assert.equal(friNight.kind, 'weekdays');
  assert.equal(friNight.opensAt, '2026-03-13T23:00:00.000Z');
  assert.equal(friNight.closesAt, '2026-03-14T03:00:00.000Z');
  // Saturday 04:00: closed (the weekday window ended at 03:00); Saturday 23:00 opens a weekend window.
  const satMorning = windowState(s, at('2026-03-14T04:00:00Z'));
  assert.equal(satMorning.open, false);
  assert.equal(satMorning.kind, 'weekends');
  assert.equal(satMorning.closesAt, '2026-03-15T05:00:00.000Z');
  // Sunday 23:00 is still a weekend window, closing Monday 05:00.
  assert.equal(windowState(s, at('2026-03-16T04:30:00Z')).open, true);
});

test('window: a stagger past midnight moves the start to the next day (as the timers do)', () => {
  const s = scheduleFromPlan(policy({ window: { weekdays: '23:50-02:00', weekends: '23:50-02:00' }, staggerMinutes: 20 }), 'UTC');
  const st = windowState(s, at('2026-03-10T23:55:00Z'));
  assert.equal(st.open, false);
  assert.equal(st.opensAt, '2026-03-11T00:10:00.000Z');
  assert.equal(st.closesAt, '2026-03-11T02:00:00.000Z');
});

test('window: local time in the plan\'s zone, and DST nights are shorter or longer', () => {
  const s = scheduleFromPlan(policy(), 'Europe/Berlin');
  // Winter, Tuesday 2026-03-10: 02:00–05:00 CET = 01:00–04:00 UTC.
  const winter = windowState(s, at('2026-03-10T01:30:00Z'));
  assert.equal(winter.open, true);
  assert.equal(winter.closesAt, '2026-03-10T04:00:00.000Z');
  // Sunday 2026-03-29, clocks jump 02:00 → 03:00: the weekend window opens at 03:00 CEST and is 3 h.
  const spring = [...take(windowsFrom(s, at('2026-03-28T12:00:00Z')), 1)][0]!;
  assert.equal(spring.date, '2026-03-29');
  assert.equal(new Date(spring.opensAt).toISOString(), '2026-03-29T01:00:00.000Z');
  assert.equal(new Date(spring.closesAt).toISOString(), '2026-03-29T04:00:00.000Z');
  // Sunday 2026-10-25, clocks fall back 03:00 → 02:00: opens at the first 02:00 (CEST), closes 06:00 CET: 5 h.
  const autumn = [...take(windowsFrom(s, at('2026-10-24T12:00:00Z')), 1)][0]!;
  assert.equal(autumn.date, '2026-10-25');
  assert.equal(new Date(autumn.opensAt).toISOString(), '2026-10-25T00:00:00.000Z');
  assert.equal(autumn.closesAt - autumn.opensAt, 5 * H);
  // The weekday after DST: 02:00 CEST = 00:00 UTC.
  assert.equal(windowState(s, at('2026-03-30T00:30:00Z')).closesAt, '2026-03-30T03:00:00.000Z');
});

test('window: the weekday is the local one, not UTC\'s', () => {
  // 02:30 Saturday in Auckland (+13) is 13:30 Friday UTC: the weekend window (until 06:00) applies.
  const s = scheduleFromPlan(policy(), 'Pacific/Auckland');
  const st = windowState(s, at('2026-03-13T17:30:00Z')); // Saturday 06:30 NZDT: just closed
  assert.equal(st.open, false);
  const open = windowState(s, at('2026-03-13T16:30:00Z')); // Saturday 05:30 NZDT
  assert.equal(open.open, true);
  assert.equal(open.kind, 'weekends');
});

test('window: --window replaces both windows and ignores the stagger', () => {
  const s = scheduleFromFlag('02:30-05:00', 'UTC');
  const sat = windowState(s, at('2026-03-14T05:30:00Z'));
  assert.equal(sat.open, false, 'the flag\'s 05:00 applies on weekends too');
  assert.equal(windowState(s, at('2026-03-14T02:31:00Z')).remainingMs, 149 * MIN);
  assert.throws(() => scheduleFromFlag('02:30', 'UTC'), { code: 'bad-window' });
});
