// How many nights an upload needs (NOTES 12: 10 Mbit/s for 3 hours moves 13.5 GB; a first upload of a
// few hundred GB takes weeks of nights). Pure: the bytes, the schedule, the cap and a start instant in;
// the nights, the finishing time and the per-night capacities out.
//
// The forecast is a ceiling: it assumes the link runs at the cap for the whole window. TLS/HTTP
// overhead and retries make real nights shorter; pass `efficiency` below 1 to model them. Bytes are
// upload bytes; compression only makes the real upload smaller.
import { windowsFrom, type WindowSchedule } from '../plan/backup-window.ts';

export type EstimateSource = 'pool-used' | 'in-progress' | 'recent-points';

export interface UploadEstimate {
  /** Bytes still to upload (an estimate, never a measurement). */
  bytes: number;
  source: EstimateSource;
  /** Says how it was estimated, for people. */
  label: string;
}

export interface EstimateInput {
  /** The subvolume already has a complete backup point. */
  hasPoints: boolean;
  /** Upload bytes (manifest stored.storedBytes) of this subvolume's recent points, newest first. */
  recentStoredBytes: readonly number[];
  /** Stored so far by interrupted runs of the current (unfinished) upload. */
  storedSoFar: number;
  /** The estimate of the whole upload an earlier run recorded, when there was one. */
  previousTotal: number | null;
  /** Used bytes of the pool holding the subvolume (statfs): an upper bound for a first upload. */
  poolUsedBytes: number | null;
}

const RECENT = 7;

/**
 * Bytes still to send for one subvolume. A first upload sends the whole subvolume: its size is not
 * known without quotas (or a slow `btrfs filesystem du`), so the pool's used space stands in as an
 * upper bound, less what earlier nights already stored. Later uploads send about what recent ones did
 * (deduplicated full sends included, since stored bytes are what went up).
 */
export function estimateUpload(input: EstimateInput): UploadEstimate | null {
  if (!input.hasPoints) {
    const total = input.poolUsedBytes ?? input.previousTotal;
    if (total === null) return null;
    const bytes = Math.max(0, total - input.storedSoFar);
    const whole = input.poolUsedBytes !== null ? 'pool used space (upper bound)' : 'the estimate of an earlier night';
    return {
      bytes, source: input.poolUsedBytes !== null ? 'pool-used' : 'in-progress',
      label: `first upload: ${whole}${input.storedSoFar > 0 ? ' minus what earlier nights stored' : ''}`,
    };
  }
  const recent = input.recentStoredBytes.slice(0, RECENT);
  if (recent.length === 0) return null;
  const mean = recent.reduce((a, b) => a + b, 0) / recent.length;
  return { bytes: Math.round(mean), source: 'recent-points', label: `typical upload: mean of the last ${recent.length} point(s)` };
}

export interface ForecastOptions {
  /** Fraction of the cap actually achieved (0..1]; default 1 (a ceiling). */
  efficiency?: number;
  /** Give up counting after this many nights. Default 3650. */
  maxNights?: number;
}

export interface Forecast {
  bytes: number;
  bitsPerSecond: number;
  /** Windows used, the one open at the start included; null when beyond maxNights. */
  nights: number | null;
  /** When the last byte goes up; null when beyond maxNights. ISO. */
  finishesAt: string | null;
  /** Bytes the first window used can still take (the rest of tonight when it is open). */
  firstNightBytes: number;
  /** Bytes a whole night of each kind takes at the cap (nominal: no DST, host's stagger applied). */
  perNight: { weekdays: number; weekends: number };
}

export function forecastUpload(bytes: number, schedule: WindowSchedule, bitsPerSecond: number, fromMs: number, options: ForecastOptions = {}): Forecast {
  const rate = (bitsPerSecond / 8) * (options.efficiency ?? 1);
  const maxNights = options.maxNights ?? 3650;
  const night = (kind: 'weekdays' | 'weekends'): number => (schedule[kind].lengthMinutes - schedule.staggerMinutes) * 60 * rate;
  const base = { bytes, bitsPerSecond, perNight: { weekdays: night('weekdays'), weekends: night('weekends') } };
  let left = bytes;
  let cursor = fromMs;
  let nights = 0;
  let firstNightBytes: number | null = null;
  for (const w of windowsFrom(schedule, fromMs)) {
    const start = Math.max(w.opensAt, cursor);
    if (start >= w.closesAt) continue;
    const capacity = ((w.closesAt - start) / 1000) * rate;
    firstNightBytes ??= capacity;
    if (left <= 0) return { ...base, nights: 0, finishesAt: new Date(fromMs).toISOString(), firstNightBytes };
    nights += 1;
    if (left <= capacity) {
      return { ...base, nights, finishesAt: new Date(start + Math.ceil((left / rate) * 1000)).toISOString(), firstNightBytes };
    }
    left -= capacity;
    cursor = w.closesAt;
    if (nights >= maxNights) break;
  }
  return { ...base, nights: null, finishesAt: null, firstNightBytes: firstNightBytes ?? 0 };
}
