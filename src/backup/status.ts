// What `backup status` shows, as plain data (the status API and metrics read the same): last night's
// run, per subvolume its points and unfinished upload with the nights it still needs, the window now.
// Only the state file `backup run` writes is read, never the repository (listing B2 costs money).
import type { StoragePlan } from '../plan/types.ts';
import { forecastUpload } from './forecast.ts';
import { readBackupState, statePath, type BackupState, type SubvolumeState } from './window-progress.ts';
import { planTimezone } from '../plan/timezone.ts';
import { scheduleFromPlan, windowState, type WindowSchedule, type WindowState } from '../plan/backup-window.ts';

export interface UploadForecast {
  remainingBytes: number;
  nights: number | null;
  finishesAt: string | null;
  label: string;
}

export interface BackupStatus {
  host: string;
  now: string;
  stateFile: string;
  window: { schedule: WindowSchedule; now: WindowState } | null;
  bandwidthBitsPerSecond: number | null;
  lastRun: BackupState['lastRun'];
  subvolumes: Array<{ name: string; forecast: UploadForecast | null } & SubvolumeState>;
  /** All unfinished uploads together: they share the host's link. */
  forecast: UploadForecast | null;
}

/** The zone the window's times are in: the plan's, else the machine's (as the systemd timers). */

/** Reads the host's backup state and returns its status at `nowMs`; without a plan, no window or forecast. */
export async function readBackupStatus(stateDir: string, host: string, plan: StoragePlan | null, nowMs: number): Promise<BackupStatus> {
  const now = new Date(nowMs).toISOString();
  const state = await readBackupState(stateDir, host, now);
  return backupStatusOf(state, plan, nowMs, statePath(stateDir, host));
}

/** Pure: the status of a backup state at `nowMs`. */
export function backupStatusOf(state: BackupState, plan: StoragePlan | null, nowMs: number, stateFile: string): BackupStatus {
  const schedule = plan === null ? null : scheduleFromPlan(plan.backup, planTimezone(plan));
  const bps = plan === null ? null : plan.backup.bandwidthBitsPerSecond;
  const forecast = (bytes: number, label: string): UploadForecast | null => {
    if (schedule === null || bps === null) return null;
    const f = forecastUpload(bytes, schedule, bps, nowMs);
    return { remainingBytes: bytes, nights: f.nights, finishesAt: f.finishesAt, label };
  };
  const subvolumes = Object.entries(state.subvolumes).sort(([a], [b]) => a.localeCompare(b)).map(([name, s]) => {
    const est = s.inProgress?.estimate ?? null;
    const left = s.inProgress === null || est === null ? null : Math.max(0, est.totalBytes - s.inProgress.storedBytes);
    return { name, ...s, forecast: left === null ? null : forecast(left, `estimate: ${est!.label}`) };
  });
  const open = subvolumes.flatMap((s) => (s.forecast === null ? [] : [s.forecast.remainingBytes]));
  return {
    host: state.host, now: new Date(nowMs).toISOString(), stateFile,
    window: schedule === null ? null : { schedule, now: windowState(schedule, nowMs) },
    bandwidthBitsPerSecond: bps, lastRun: state.lastRun, subvolumes,
    forecast: open.length === 0 ? null : forecast(open.reduce((a, b) => a + b, 0), 'estimate: every unfinished upload, one after another'),
  };
}
