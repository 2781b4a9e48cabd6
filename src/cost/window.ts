// How many bytes a host can upload each night: its cap times its window (NOTES 12; docs/knowledge/backblaze-b2.md
// §7: 10 Mbit/s for 3 h = 13.5 GB). The windows are the backup engine's (plan/backup-window.ts): a
// night is weekday or weekend by the local date its window opens on, in the host's time zone, so
// `cost simulate` and `backup status` name the same nights weekend ones. Cost counts by UTC day (B2's
// day): a night's capacity lands on the UTC day its window opens on.
import { DAY_MS } from '../core/local-time.ts';
import { backupWindows, windowsFrom, type WindowSchedule } from '../plan/backup-window.ts';
import type { BackupWindow } from '../plan/types.ts';

export interface WindowHours {
  weekday: number;
  weekend: number;
}

/** Hours of each window, less the host's stagger (it starts later and stops with the fleet). */
export function windowHours(window: BackupWindow, staggerMinutes = 0, subject = 'backup'): WindowHours {
  const w = backupWindows(window, staggerMinutes, subject);
  return {
    weekday: (w.weekdays.lengthMinutes - staggerMinutes) / 60,
    weekend: (w.weekends.lengthMinutes - staggerMinutes) / 60,
  };
}

/** A fleet host's windows as the backup engine reads them; `timezone` defaults to UTC. */
export function hostSchedule(window: BackupWindow, staggerMinutes: number, timezone: string, subject = 'backup'): WindowSchedule {
  const { weekdays, weekends } = backupWindows(window, staggerMinutes, subject);
  return { weekdays, weekends, staggerMinutes, timezone, source: 'plan' };
}

/**
 * Upload capacity of the nights whose window opens on each UTC day from `firstDay` on, in bytes.
 * `efficiency` (≤ 1) is the share of the cap that carries payload after TLS/HTTP overhead and
 * retries; 1 is the ceiling.
 */
export function nightlyCapacities(firstDay: number, days: number, bitsPerSecond: number, schedule: WindowSchedule, efficiency = 1): number[] {
  const capacity = new Array<number>(days).fill(0);
  for (const w of windowsFrom(schedule, firstDay * DAY_MS)) {
    const day = Math.floor(w.opensAt / DAY_MS) - firstDay;
    if (day >= days) break;
    // A window still open at the start belongs to the UTC day before it.
    if (day < 0) continue;
    capacity[day]! += (bitsPerSecond / 8) * ((w.closesAt - w.opensAt) / 1000) * efficiency;
  }
  return capacity;
}

/** Nights until `bytes` are up (the last one possibly partial); null if the nights given are not enough. */
export function nightsToUpload(bytes: number, capacities: readonly number[]): number | null {
  if (bytes <= 0) return 0;
  let left = bytes;
  for (let i = 0; i < capacities.length; i++) {
    left -= capacities[i]!;
    if (left <= 0) return i + 1;
  }
  return null;
}
