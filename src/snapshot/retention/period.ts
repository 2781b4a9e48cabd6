// Which period of each tier an instant falls in. Two kinds of tier (docs/RETENTION.md "Buckets"):
// - slot tiers (frequent, hourly) count real elapsed time: a slot is M minutes of the local clock
//   *at one UTC offset*, so the repeated autumn hour is two slots and no two real hours ever merge;
// - calendar tiers (daily, weekly, monthly, yearly) are local calendar periods in the policy's zone,
//   so the 23- and 25-hour DST days are one day each.
import { PantherError } from '../../core/errors.ts';
import type { Tier } from '../../plan/types.ts';
import {
  DAY_MS, MINUTE_MS, formatDate, formatOffset, mod, openZone, pad, utcMs, wallOfUtc, type Zone,
} from '../../core/local-time.ts';

export interface Period {
  tier: Tier;
  /** "2026-11-24T14:15+01:00", "2026-11-24", "2026-W48", "2026-11", "2026". */
  key: string;
}

export function periodOf(tier: Tier, ms: number, zone: Zone, frequentMinutes: number | null): Period {
  return { tier, key: keyOf(tier, ms, zone, frequentMinutes) };
}

function keyOf(tier: Tier, ms: number, zone: Zone, frequentMinutes: number | null): string {
  switch (tier) {
    case 'frequent': {
      if (frequentMinutes === null || !Number.isInteger(frequentMinutes) || frequentMinutes < 1) {
        throw new PantherError('retention-invalid', `the frequent tier needs frequentMinutes ≥ 1 (got ${String(frequentMinutes)})`, {
          hint: 'set tiers.frequentMinutes, e.g. 15, or set tiers.frequent to 0',
        });
      }
      return slot(ms, zone, frequentMinutes);
    }
    case 'hourly':
      return slot(ms, zone, 60);
    case 'daily': {
      const w = zone.wall(ms);
      return formatDate(w);
    }
    case 'weekly': {
      const w = zone.wall(ms);
      const week = isoWeek(w.year, w.month, w.day);
      return `${pad(week.year, 4)}-W${pad(week.week)}`;
    }
    case 'monthly': {
      const w = zone.wall(ms);
      return `${pad(w.year, 4)}-${pad(w.month)}`;
    }
    case 'yearly': {
      const w = zone.wall(ms);
      return pad(w.year, 4);
    }
  }
}

// Slots are aligned to local midnight whenever M divides a day (the only intervals a profile can
// schedule); the offset in the key keeps the two passes of a repeated hour apart.
function slot(ms: number, zone: Zone, minutes: number): string {
  const offset = zone.offset(ms);
  const size = minutes * MINUTE_MS;
  const wallStart = ms + offset - mod(ms + offset, size);
  const w = wallOfUtc(wallStart);
  return `${formatDate(w)}T${pad(w.hour)}:${pad(w.minute)}${formatOffset(offset)}`;
}

/** ISO 8601 week: Monday start; the week belongs to the year that holds its Thursday. */
export function isoWeek(year: number, month: number, day: number): { year: number; week: number } {
  const date = utcMs(year, month, day);
  const weekday = mod(new Date(date).getUTCDay() + 6, 7); // Monday 0 … Sunday 6
  const monday = date - weekday * DAY_MS;
  const thursday = monday + 3 * DAY_MS;
  const weekYear = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - utcMs(weekYear, 1, 1)) / (7 * DAY_MS)) + 1;
  return { year: weekYear, week };
}

/**
 * The period key of `instant` (ISO string or epoch ms) for one tier, in `timezone` (null = UTC).
 * `frequentMinutes` is needed for the frequent tier only.
 */
export function periodKey(tier: Tier, instant: string | number, timezone: string | null, frequentMinutes: number | null = null): string {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) {
    throw new PantherError('retention-invalid', `not an instant: ${JSON.stringify(instant)}`, {
      hint: 'pass an ISO-8601 instant such as 2026-11-24T02:00:00Z, or epoch milliseconds',
    });
  }
  return keyOf(tier, ms, openZone(timezone), frequentMinutes);
}
