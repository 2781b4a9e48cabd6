// The forecast for one upload as `backup run` makes it: gathers what estimateUpload needs (recent
// points, an unfinished upload, the pool's used space) and plays it over the coming nights. The
// arithmetic is forecast.ts; this file only fetches its inputs and words its result.
import { statfs } from 'node:fs/promises';
import { formatBytes, formatGB } from '../core/bytes.ts';
import type { PointView } from './chain.ts';
import { estimateUpload, forecastUpload, type Forecast, type UploadEstimate } from './forecast.ts';
import type { WindowSchedule } from '../plan/backup-window.ts';
import type { InProgress } from './window-progress.ts';

export interface SizedPoint extends PointView {
  streamBytes: number;
  storedBytes: number;
}

export interface UploadForecastInput {
  /** The cap; no forecast without one. */
  bitsPerSecond: number | null;
  /** The nights to come (the plan's windows); no forecast without them. */
  schedule: WindowSchedule | undefined;
  /** This subvolume's unfinished upload from earlier nights. */
  prior: InProgress | null;
  /** This subvolume's points. */
  points: readonly SizedPoint[];
  /** The snapshot about to be sent (its filesystem's used space bounds a first upload). */
  path: string;
  nowMs: number;
}

export async function forecastFor(input: UploadForecastInput): Promise<{ estimate: UploadEstimate; forecast: Forecast } | undefined> {
  const { bitsPerSecond, schedule, prior, points } = input;
  if (bitsPerSecond === null || schedule === undefined) return undefined;
  const recent = [...points].sort((a, b) => Date.parse(b.time) - Date.parse(a.time)).map((p) => p.storedBytes);
  const estimate = estimateUpload({
    hasPoints: points.length > 0,
    recentStoredBytes: recent,
    storedSoFar: prior?.storedBytes ?? 0,
    previousTotal: prior?.estimate?.totalBytes ?? null,
    poolUsedBytes: points.length > 0 ? null : await poolUsedBytes(input.path),
  });
  if (estimate === null) return undefined;
  return { estimate, forecast: forecastUpload(estimate.bytes, schedule, bitsPerSecond, input.nowMs) };
}

/** Used space of the filesystem holding `path`: all its subvolumes, so an upper bound for one. */
export async function poolUsedBytes(path: string): Promise<number | null> {
  try {
    const s = await statfs(path);
    return (s.blocks - s.bfree) * s.bsize;
  } catch {
    return null;
  }
}

export function describeForecast(subvolume: string, f: { estimate: UploadEstimate; forecast: Forecast }): string {
  const { estimate, forecast } = f;
  const when = forecast.nights === null ? 'more than ten years of nights' : `${forecast.nights} night(s), done about ${forecast.finishesAt!.slice(0, 16).replace('T', ' ')} UTC`;
  return `${subvolume}: about ${formatSize(estimate.bytes)} still to upload (estimate, ${estimate.label}); at ${(forecast.bitsPerSecond / 1e6).toFixed(1)} Mbit/s ` +
    `that is ${when} (a weekday night carries ${formatSize(forecast.perNight.weekdays)}, a weekend night ${formatSize(forecast.perNight.weekends)}; tonight ${formatSize(forecast.firstNightBytes)})`;
}

/** Decimal GB for the sizes uploads are planned in, binary units below 1 GB. */
export function formatSize(bytes: number): string {
  return bytes >= 1e9 ? formatGB(bytes) : formatBytes(bytes);
}
