// The snapshot timers a simulation plays back, in local wall-clock time like systemd OnCalendar.
import { PantherError } from '../../core/errors.ts';
import type { SnapshotTiers } from '../../plan/types.ts';
import { DAY_MS, MINUTE_MS, firstInstantAt, utcMs, wallOfUtc, type Zone } from '../../core/local-time.ts';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `at` is local "HH:MM". `every` is aligned to local midnight and must divide a day. */
export type ScheduleEntry =
  | { type: 'every'; minutes: number }
  | { type: 'daily'; at: string }
  | { type: 'weekly'; weekday: Weekday; at: string }
  | { type: 'monthly'; day: number; at: string };

/** The spec's timers (daily 02:00, weekly Sunday 03:00, monthly 1st 04:00) plus the short tiers that are on. */
export function defaultSchedule(tiers: SnapshotTiers): ScheduleEntry[] {
  const entries: ScheduleEntry[] = [];
  if (tiers.frequent > 0 && tiers.frequentMinutes !== null) entries.push({ type: 'every', minutes: tiers.frequentMinutes });
  if (tiers.hourly > 0 && !(tiers.frequent > 0 && tiers.frequentMinutes === 60)) entries.push({ type: 'every', minutes: 60 });
  entries.push({ type: 'daily', at: '02:00' }, { type: 'weekly', weekday: 'sun', at: '03:00' }, { type: 'monthly', day: 1, at: '04:00' });
  return entries;
}

export function describeSchedule(entries: ScheduleEntry[]): string {
  return entries.map((e) => {
    switch (e.type) {
      case 'every': return `every ${e.minutes} min`;
      case 'daily': return `daily ${e.at}`;
      case 'weekly': return `weekly ${e.weekday} ${e.at}`;
      case 'monthly': return `monthly day ${e.day} ${e.at}`;
    }
  }).join('; ');
}

/**
 * Sorted, distinct instants in [startMs, endMs) at which the schedule creates a snapshot.
 * `every`: whenever the local clock shows a multiple of the interval (both passes of a repeated
 * hour, nothing in a skipped one). Fixed times fire once: the first pass of a repeated time, and a
 * time inside a spring gap fires as far past the gap's start as it was meant to be (02:30 → 03:30).
 */
export function creationTimes(entries: ScheduleEntry[], zone: Zone, startMs: number, endMs: number): number[] {
  const problems = entries.flatMap(entryProblems);
  if (problems.length > 0) {
    throw new PantherError('schedule-invalid', `simulation schedule is invalid:\n  ${problems.join('\n  ')}`, {
      details: { problems }, hint: 'times are local "HH:MM"; every N minutes must divide a day (5, 15, 60, 240, …); monthly day 1–31',
    });
  }
  const first = localMidnight(zone, startMs) - DAY_MS;
  const last = localMidnight(zone, endMs) + DAY_MS;
  const out = new Set<number>();
  for (let day = first; day <= last; day += DAY_MS) {
    const date = wallOfUtc(day);
    const weekday = WEEKDAYS[(new Date(day).getUTCDay() + 6) % 7];
    for (const e of entries) {
      if (e.type === 'every') {
        for (let m = 0; m < 1440; m += e.minutes) for (const t of zone.instantsAt(day + m * MINUTE_MS)) out.add(t);
        continue;
      }
      if (e.type === 'weekly' && e.weekday !== weekday) continue;
      if (e.type === 'monthly' && e.day !== date.day) continue;
      out.add(firstInstantAt(zone, day + minutesOf(e.at) * MINUTE_MS));
    }
  }
  return [...out].filter((t) => t >= startMs && t < endMs).sort((a, b) => a - b);
}

/** Wall ms of the local date's midnight. */
export function localMidnight(zone: Zone, ms: number): number {
  const w = zone.wall(ms);
  return utcMs(w.year, w.month, w.day);
}

function minutesOf(at: string): number {
  const [h, m] = at.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

function entryProblems(e: ScheduleEntry, i: number): string[] {
  const at = `schedule[${i}]`;
  if (e.type === 'every') {
    return Number.isInteger(e.minutes) && e.minutes >= 1 && 1440 % e.minutes === 0 ? [] : [`${at}: every ${e.minutes} minutes does not divide a day`];
  }
  const problems = /^([01]\d|2[0-3]):[0-5]\d$/.test(e.at) ? [] : [`${at}.at: "${e.at}" is not HH:MM`];
  if (e.type === 'weekly' && !WEEKDAYS.includes(e.weekday)) problems.push(`${at}.weekday: one of ${WEEKDAYS.join(', ')}`);
  if (e.type === 'monthly' && !(Number.isInteger(e.day) && e.day >= 1 && e.day <= 31)) problems.push(`${at}.day: 1–31`);
  return problems;
}
