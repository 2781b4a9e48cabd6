// Wall-clock arithmetic in an IANA zone with nothing but Intl: the calendar tiers bucket by the local
// date, and the simulator turns "daily 02:00" into instants. "Wall ms" below means the local clock
// reading written as if it were a UTC instant (Date.UTC of the local fields); it is never an instant.
import { PantherError } from './errors.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export interface Zone {
  /** "UTC" for the null time zone. */
  name: string;
  wall(ms: number): WallTime;
  /** Local time minus UTC at an instant, in ms (+2 h in Berlin summer). */
  offset(ms: number): number;
  /** Every instant at which the local clock reads `wallMs`: none in a spring gap, two in a repeated autumn hour. */
  instantsAt(wallMs: number): number[];
}

/** Date.UTC without its "years 0–99 mean 1900–1999" rule. */
export function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

export function wallOfUtc(ms: number): WallTime {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(),
  };
}

export function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

export function formatDate(w: Pick<WallTime, 'year' | 'month' | 'day'>): string {
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** "+02:00", "-03:30"; seconds only for the historic offsets that have them. */
export function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const total = Math.abs(Math.round(offsetMs / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${sign}${pad(h)}:${pad(m)}${s === 0 ? '' : `:${pad(s)}`}`;
}

/** Throws a PantherError for a name Intl does not know. */
export function checkTimezone(timezone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch (cause) {
    throw new PantherError('timezone-unknown', `unknown time zone "${timezone}"`, {
      cause, subject: timezone, hint: 'use an IANA name such as Europe/Berlin or America/New_York, or null/UTC',
    });
  }
}

// Formatting dominates the cost of a long simulation, so each zone remembers what it formatted;
// the cache lives and dies with the Zone object, never at module level.
const CACHE_LIMIT = 200_000;

export function openZone(timezone: string | null): Zone {
  if (timezone === null) return utcZone();
  checkTimezone(timezone);
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
    hour: 'numeric', minute: 'numeric', second: 'numeric',
  });
  const cache = new Map<number, WallTime>();
  const wall = (ms: number): WallTime => {
    const second = ms - mod(ms, 1000);
    const hit = cache.get(second);
    if (hit !== undefined) return hit;
    const fields: Record<string, number> = {};
    for (const part of format.formatToParts(second)) {
      if (part.type !== 'literal') fields[part.type] = Number(part.value);
    }
    const w: WallTime = {
      year: fields['year'] ?? 0, month: fields['month'] ?? 1, day: fields['day'] ?? 1,
      hour: fields['hour'] ?? 0, minute: fields['minute'] ?? 0, second: fields['second'] ?? 0,
    };
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(second, w);
    return w;
  };
  const offset = (ms: number): number => {
    const w = wall(ms);
    return utcMs(w.year, w.month, w.day, w.hour, w.minute, w.second) - (ms - mod(ms, 1000));
  };
  return { name: timezone, wall, offset, instantsAt: (wallMs) => instantsAt(wallMs, offset) };
}

function utcZone(): Zone {
  return { name: 'UTC', wall: wallOfUtc, offset: () => 0, instantsAt: (wallMs) => [wallMs] };
}

// Assumes at most one offset change within a day either side, true of every zone in use today.
function instantsAt(wallMs: number, offset: (ms: number) => number): number[] {
  const before = offset(wallMs - DAY_MS);
  const after = offset(wallMs + DAY_MS);
  const candidates = before === after ? [wallMs - before] : [wallMs - before, wallMs - after];
  return candidates.filter((t) => offset(t) === wallMs - t).sort((a, b) => a - b);
}

/**
 * The instant a timer set to `wallMs` fires: the first of two in a repeated hour, and in a spring gap
 * the same distance past the gap's start (02:30 in a 02:00→03:00 gap fires at 03:30), as mktime does.
 */
export function firstInstantAt(zone: Zone, wallMs: number): number {
  const found = zone.instantsAt(wallMs);
  if (found[0] !== undefined) return found[0];
  return wallMs - zone.offset(wallMs - DAY_MS);
}

export function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}
