// The one parser of "HH:MM-HH:MM" and of the stagger: the plan schema, the renderer's timers, the
// backup engine and the cost model all read windows through it, with one error code (bad-window).
//
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
import { shownValue } from '../core/shown-value.ts';
import { DAY_MS, MINUTE_MS, firstInstantAt, openZone, utcMs, type Zone } from '../core/local-time.ts';
import type { BackupPolicy, BackupWindow } from './types.ts';

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
const WINDOW = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;

/** What is wrong with a window text, or null: the schema reports it, parseWindow throws it. */
export function windowProblem(text: string): string | null {
  const m = WINDOW.exec(text);
  if (m === null) return `${shownValue(text)} is not a window "HH:MM-HH:MM" of times 00:00 to 23:59, e.g. "02:00-05:00"`;
  return m[1] === m[3] && m[2] === m[4] ? `window ${text} is empty (start equals end)` : null;
}

/** "HH:MM-HH:MM" → the window; an end before the start crosses midnight, an equal end is refused. */
export function parseWindow(text: string, subject = 'window'): WindowSpec {
  const problem = windowProblem(text);
  if (problem !== null) throw new PantherError('bad-window', `${subject}: ${problem}`, { subject, exitCode: ExitCode.usage, hint: HINT });
  const [, h1, m1, h2, m2] = WINDOW.exec(text)!.map(Number) as [number, number, number, number, number];
  const start = h1 * 60 + m1;
  return { text, startMinutes: start, lengthMinutes: (h2 * 60 + m2 - start + 1440) % 1440 };
}

/** Both windows of a policy, checked against its stagger: the host must have time left in each. */
export function backupWindows(window: BackupWindow, staggerMinutes: number, subject = 'backup'): Record<WindowKind, WindowSpec> {
  const out = {
    weekdays: parseWindow(window.weekdays, `${subject}.window.weekdays`),
    weekends: parseWindow(window.weekends, `${subject}.window.weekends`),
  };
  for (const kind of ['weekdays', 'weekends'] as const) {
    const w = out[kind];
    if (!Number.isInteger(staggerMinutes) || staggerMinutes < 0 || staggerMinutes >= w.lengthMinutes) {
      throw new PantherError('bad-window', `${subject}.staggerMinutes: a stagger of ${staggerMinutes} minutes leaves no time in the ${kind} window ${w.text}`, {
        subject: `${subject}.staggerMinutes`, exitCode: ExitCode.usage, hint: `use whole minutes from 0 to ${w.lengthMinutes - 1}`,
      });
    }
  }
  return out;
}

/** The host's schedule from its plan. Checks that the stagger leaves time in both windows. */
export function scheduleFromPlan(policy: BackupPolicy, timezone: string): WindowSchedule {
  const { weekdays, weekends } = backupWindows(policy.window, policy.staggerMinutes);
  return { weekdays, weekends, staggerMinutes: policy.staggerMinutes, timezone, source: 'plan' };
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
