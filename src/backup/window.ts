// When this host may upload: the nightly backup window (spec "Backup Schedule": weekdays 02:00–05:00,
// weekends 02:00–06:00) shifted by the host's stagger, in the plan's time zone. Pure: every answer is
// a function of the schedule and an instant passed in.
//
// Semantics (the same as the systemd timers render/systemd.ts writes):
// - A window belongs to the local date on which the fleet's window opens; that date's weekday picks
//   the weekday or weekend window. A window that ends before it starts runs through midnight, so a
//   Friday 23:00–01:00 window is a weekday window that closes on Saturday.
// - The host opens `staggerMinutes` after the fleet; every host closes at the window's end.
// - Times are wall-clock times: a window on a DST night is an hour shorter or longer. A time in a
//   spring gap fires as far past the gap's start as it was meant to be past its own (mktime's rule);
//   a repeated autumn hour counts from its first occurrence.
// - `--window START-END` (what the timers pass, already staggered) replaces both windows, no stagger.
import { ExitCode, PantherError } from '../core/errors.ts';
import type { BackupPolicy } from '../plan/types.ts';
import { DAY_MS, MINUTE_MS, firstInstantAt, openZone, utcMs, type Zone } from '../core/local-time.ts';

export type WindowKind = 'weekdays' | 'weekends';

export interface WindowSpec {
  /** As written: "02:00-05:00". */
  text: string;
  /** Minutes after local midnight. */
  startMinutes: number;
  /** 1..1440; the window ends this long after it starts. */
  lengthMinutes: number;
}

export interface WindowSchedule {
  weekdays: WindowSpec;
  weekends: WindowSpec;
  staggerMinutes: number;
  /** IANA zone the times are in; the caller resolves "the machine's zone" for a plan without one. */
  timezone: string;
  source: 'plan' | 'flag';
}

/** One night's window, as instants. */
export interface WindowOccurrence {
  kind: WindowKind;
  /** The local date the fleet's window opens on, YYYY-MM-DD. */
  date: string;
  opensAt: number;
  closesAt: number;
}

export interface WindowState {
  open: boolean;
  kind: WindowKind;
  /** Open: when this window opened; closed: when the next one opens. ISO. */
  opensAt: string;
  /** When that window closes. ISO. */
  closesAt: string;
  /** The next opening after the one above. ISO. */
  nextOpensAt: string;
  /** Time left in the open window; 0 when closed. */
  remainingMs: number;
}

const HINT = 'write the window as "HH:MM-HH:MM" in local time, e.g. "02:00-05:00" (an end before the start runs through midnight)';

function badWindow(subject: string, message: string): never {
  throw new PantherError('bad-window', `${subject}: ${message}`, { subject, exitCode: ExitCode.usage, hint: HINT });
}

function clockMinutes(subject: string, text: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  if (m === null) badWindow(subject, `${JSON.stringify(text)} is not a time of day HH:MM`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** "HH:MM-HH:MM" → the window; an end at or before the start crosses midnight, an equal end is refused. */
export function parseWindow(text: string, subject = 'window'): WindowSpec {
  const parts = text.split('-');
  if (parts.length !== 2) badWindow(subject, `${JSON.stringify(text)} is not "HH:MM-HH:MM"`);
  const start = clockMinutes(subject, parts[0]!);
  const end = clockMinutes(subject, parts[1]!);
  const length = (end - start + 1440) % 1440;
  if (length === 0) badWindow(subject, `window ${text} is empty (start equals end)`);
  return { text: text.trim(), startMinutes: start, lengthMinutes: length };
}

/** The host's schedule from its plan. Checks that the stagger leaves time in both windows. */
export function scheduleFromPlan(policy: BackupPolicy, timezone: string): WindowSchedule {
  const weekdays = parseWindow(policy.window.weekdays, 'backup.window.weekdays');
  const weekends = parseWindow(policy.window.weekends, 'backup.window.weekends');
  const stagger = policy.staggerMinutes;
  for (const w of [weekdays, weekends]) {
    if (!Number.isInteger(stagger) || stagger < 0 || stagger >= w.lengthMinutes) {
      throw new PantherError('bad-window', `backup.staggerMinutes: a stagger of ${stagger} minutes leaves no time in the window ${w.text}`, {
        subject: 'backup.staggerMinutes', exitCode: ExitCode.usage, hint: `use whole minutes from 0 to ${w.lengthMinutes - 1}`,
      });
    }
  }
  return { weekdays, weekends, staggerMinutes: stagger, timezone, source: 'plan' };
}

/** `--window START-END`: the same window every night, already staggered by whoever passed it. */
export function scheduleFromFlag(text: string, timezone: string): WindowSchedule {
  const spec = parseWindow(text, '--window');
  return { weekdays: spec, weekends: spec, staggerMinutes: 0, timezone, source: 'flag' };
}

const isWeekend = (dayWall: number): boolean => {
  const weekday = new Date(dayWall).getUTCDay();
  return weekday === 0 || weekday === 6;
};

function occurrenceOn(schedule: WindowSchedule, zone: Zone, dayWall: number): WindowOccurrence | null {
  const kind: WindowKind = isWeekend(dayWall) ? 'weekends' : 'weekdays';
  const spec = schedule[kind];
  const opensAt = firstInstantAt(zone, dayWall + (spec.startMinutes + schedule.staggerMinutes) * MINUTE_MS);
  const closesAt = firstInstantAt(zone, dayWall + (spec.startMinutes + spec.lengthMinutes) * MINUTE_MS);
  // A short window inside a DST gap can vanish on that one night.
  if (closesAt <= opensAt) return null;
  return { kind, date: new Date(dayWall).toISOString().slice(0, 10), opensAt, closesAt };
}

/**
 * Every window that has not closed by `fromMs`, in opening order, without end. A window opens on its
 * date and lasts under a day, so one opening before the next date's midnight can no longer be
 * overtaken once that date has been generated.
 */
export function* windowsFrom(schedule: WindowSchedule, fromMs: number): Generator<WindowOccurrence> {
  const zone = openZone(schedule.timezone);
  const w = zone.wall(fromMs);
  let dayWall = utcMs(w.year, w.month, w.day) - 2 * DAY_MS;
  const pending: WindowOccurrence[] = [];
  for (;;) {
    const next = occurrenceOn(schedule, zone, dayWall);
    if (next !== null && next.closesAt > fromMs) {
      pending.push(next);
      pending.sort((a, b) => a.opensAt - b.opensAt);
    }
    const settled = firstInstantAt(zone, dayWall);
    while (pending.length > 0 && pending[0]!.opensAt < settled) yield pending.shift()!;
    dayWall += DAY_MS;
  }
}

/** Whether the window is open at `nowMs`, and when it closes or next opens. */
export function windowState(schedule: WindowSchedule, nowMs: number): WindowState {
  const windows = windowsFrom(schedule, nowMs);
  const first = windows.next().value!;
  const second = windows.next().value!;
  const open = first.opensAt <= nowMs;
  return {
    open, kind: first.kind,
    opensAt: iso(first.opensAt), closesAt: iso(first.closesAt), nextOpensAt: iso(second.opensAt),
    remainingMs: open ? first.closesAt - nowMs : 0,
  };
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * What must still go up after the stop signal, as named data (house style: margins are data). At the
 * stop the writer may be waiting for one pack upload and hold a finished pack behind it; it then
 * seals the chunks in flight and flushes the partly filled pack so that nothing read is lost (the
 * repository's flushOnAbort). The stop therefore comes early enough for all of that to finish inside
 * the window, and the safety covers index writes, the clock check interval and a retried request.
 */
export const STOP_MARGIN = {
  packsInFlight: 2,
  chunksInFlight: 3,
  safetyMs: 10_000,
} as const;

export interface StopMarginInput {
  packSize: number;
  chunkMax: number;
  /** The upload cap; null when uncapped (then only the safety applies). */
  bitsPerSecond: number | null;
}

/** ms between the stop signal and the last durable byte, at the cap. */
export function drainMs(input: StopMarginInput, margin = STOP_MARGIN): number {
  if (input.bitsPerSecond === null) return margin.safetyMs;
  const bytes = margin.packsInFlight * input.packSize + margin.chunksInFlight * input.chunkMax;
  return Math.ceil((bytes * 8 * 1000) / input.bitsPerSecond) + margin.safetyMs;
}

/** ms to upload one full pack at the cap (0 when uncapped). */
export function packMs(input: StopMarginInput): number {
  return input.bitsPerSecond === null ? 0 : Math.ceil((input.packSize * 8 * 1000) / input.bitsPerSecond);
}

export interface UploadDecision {
  start: boolean;
  /** When to send the stop signal (ms): closesAt − drain. */
  stopAt: number;
  reason: string;
}

/**
 * May an upload start now? Only when the window is open and, after the drain is set aside, at least
 * one pack still fits: a start with less would be stopped before storing anything.
 */
export function uploadDecision(state: WindowState, nowMs: number, input: StopMarginInput, margin = STOP_MARGIN): UploadDecision {
  const stopAt = Date.parse(state.closesAt) - drainMs(input, margin);
  if (!state.open) return { start: false, stopAt, reason: `window closed: resumes next night (opens ${state.opensAt})` };
  if (nowMs + packMs(input) >= stopAt) {
    return { start: false, stopAt, reason: `window closing at ${state.closesAt}, too late to start another upload: resumes next night (opens ${state.nextOpensAt})` };
  }
  return { start: true, stopAt, reason: `window open until ${state.closesAt}` };
}
