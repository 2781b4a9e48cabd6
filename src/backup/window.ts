// When an upload may start and when it must stop inside this host's backup window (the window itself,
// its nights and time zone are plan/backup-window.ts). Pure.
import type { WindowState } from '../plan/backup-window.ts';

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
