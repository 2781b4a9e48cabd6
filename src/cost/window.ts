// How many bytes a host can upload each night: its cap times its window (NOTES 12; docs/knowledge/backblaze-b2.md
// §7: 10 Mbit/s for 3 h = 13.5 GB). Nights are named by the UTC day their window opens on; Saturday
// and Sunday nights get the weekend window, as the rendered timers do (render/systemd.ts).
import { PantherError, ExitCode } from '../core/errors.ts';
import type { BackupWindow } from '../plan/types.ts';

export interface WindowHours {
  weekday: number;
  weekend: number;
}

/** Hours of each window, less the host's stagger (it starts later and stops with the fleet). */
export function windowHours(window: BackupWindow, staggerMinutes = 0, subject = 'backup.window'): WindowHours {
  return {
    weekday: Math.max(0, windowMinutes(window.weekdays, `${subject}.weekdays`) - staggerMinutes) / 60,
    weekend: Math.max(0, windowMinutes(window.weekends, `${subject}.weekends`) - staggerMinutes) / 60,
  };
}

function windowMinutes(text: string, subject: string): number {
  const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(text);
  if (m === null || Number(m[1]) > 23 || Number(m[3]) > 23 || Number(m[2]) > 59 || Number(m[4]) > 59) {
    throw new PantherError('window-invalid', `${subject}: ${JSON.stringify(text)} is not "HH:MM-HH:MM"`, {
      subject, exitCode: ExitCode.usage, hint: 'write the window as "02:00-05:00"',
    });
  }
  const open = Number(m[1]) * 60 + Number(m[2]);
  const close = Number(m[3]) * 60 + Number(m[4]);
  return (close - open + 1440) % 1440;
}

/** 0 = Sunday … 6 = Saturday for a UTC day number (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/**
 * Upload capacity of each night from `firstDay` on, in bytes. `efficiency` (≤ 1) is the share of the
 * cap that carries payload after TLS/HTTP overhead and retries; 1 is the ceiling.
 */
export function nightlyCapacities(firstDay: number, days: number, bitsPerSecond: number, hours: WindowHours, efficiency = 1): number[] {
  return Array.from({ length: days }, (_, i) => {
    const weekday = weekdayOf(firstDay + i);
    const h = weekday === 0 || weekday === 6 ? hours.weekend : hours.weekday;
    return (bitsPerSecond / 8) * h * 3600 * efficiency;
  });
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
