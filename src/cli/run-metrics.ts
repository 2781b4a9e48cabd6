// After a run: its events go to the DogStatsD agent and into the counters file (metrics/recorder.ts).
// Nothing here changes what the command printed or its exit code; a problem is one stderr line.
import { ExitCode, PantherError } from '../core/errors.ts';
import { recordRun } from '../metrics/recorder.ts';
import type { MetricEvent } from '../metrics/events.ts';
import { stateDirOf } from './options.ts';
import type { Io, Values } from './command.ts';

export async function sendRunMetrics(values: Values, io: Io, host: string, events: readonly MetricEvent[]): Promise<void> {
  if (events.length === 0) return;
  try {
    await recordRun({ stateDir: stateDirOf(values), host, events, warn: (line) => io.err(line) });
  } catch {
    // recordRun does not throw; this is the last guard between metrics and a run's exit code.
  }
}

/** Runs `fn`; if it throws, `onError` turns the error into events that are sent before it is rethrown. */
export async function withFailureMetrics<T>(values: Values, io: Io, host: string, fn: () => Promise<T>, onError: (error: unknown) => MetricEvent[]): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    let events: MetricEvent[] = [];
    try { events = onError(error); } catch { /* never mask the run's own error */ }
    await sendRunMetrics(values, io, host, events);
    throw error;
  }
}

/** A typo, another run holding the lock, or a stop by signal says nothing about the backup or the repository. */
export function isRunFailure(error: unknown): boolean {
  return !(error instanceof PantherError && ([ExitCode.usage, ExitCode.locked, ExitCode.interrupted] as number[]).includes(error.exitCode));
}
