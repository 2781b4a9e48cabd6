import { forecastUpload } from '../../backup/forecast.ts';
import { scheduleFromPlan, windowState, type WindowSchedule, type WindowState } from '../../backup/window.ts';
import { readBackupState, statePath, type BackupState, type SubvolumeState } from '../../backup/window-progress.ts';
import { formatSize } from '../../backup/forecast-upload.ts';
import { formatBytes } from '../../core/bytes.ts';
import { ExitCode } from '../../core/errors.ts';
import { timeFlag } from '../flags.ts';
import { formatBandwidth } from '../../repo/backend/limit-rate.ts';
import { emit, str, type Command } from '../command.ts';
import { optionalPlan } from '../repo-options.ts';
import { stateDirOf } from '../options.ts';
import { planTimezone } from '../../plan/timezone.ts';
import { onlyStateHost } from '../state-host.ts';
import { backupStatusInfo } from './backup-status.meta.ts';

interface UploadForecast {
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

export const backupStatus: Command = {
  ...backupStatusInfo,
  async run(values, _positionals, io) {
    const now = timeFlag(values, 'now') ?? new Date().toISOString();
    const nowMs = Date.parse(now);
    const plan = await optionalPlan(values);
    const dir = stateDirOf(values);
    const host = str(values, 'host') ?? plan?.host ?? await onlyStateHost(dir, 'backup', io);
    const state = await readBackupState(dir, host, now);
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
    const status: BackupStatus = {
      host, now, stateFile: statePath(dir, host),
      window: schedule === null ? null : { schedule, now: windowState(schedule, nowMs) },
      bandwidthBitsPerSecond: bps, lastRun: state.lastRun, subvolumes,
      forecast: open.length === 0 ? null : forecast(open.reduce((a, b) => a + b, 0), 'estimate: every unfinished upload, one after another'),
    };
    emit(io, status, () => describeStatus(status));
    return ExitCode.ok;
  },
};

/** "2026-03-11 02:30" on the clock of `zone`: windows are planned in local time. */
function localTime(iso: string, zone: string): string {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  }).formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts['year']}-${parts['month']}-${parts['day']} ${parts['hour']}:${parts['minute']}`;
}

function describeWindow(w: WindowState, zone: string): string {
  if (w.open) return `open (${w.kind}) until ${localTime(w.closesAt, zone)}, ${Math.round(w.remainingMs / 60_000)} min left`;
  return `closed; the ${w.kind} window opens ${localTime(w.opensAt, zone)} and closes ${localTime(w.closesAt, zone)}`;
}

function describeStatus(s: BackupStatus): string {
  const lines: string[] = [];
  if (s.window !== null) {
    const sch = s.window.schedule;
    lines.push(`${s.host}: window ${sch.weekdays.text} weekdays, ${sch.weekends.text} weekends, +${sch.staggerMinutes} min stagger (${sch.timezone}); cap ${formatBandwidth(s.bandwidthBitsPerSecond)}`);
    lines.push(`window now: ${describeWindow(s.window.now, sch.timezone)} (${sch.timezone})`);
  } else {
    lines.push(`${s.host}: no plan, so no window or forecast`);
  }
  const r = s.lastRun;
  if (r === null) lines.push('last run: none recorded');
  else {
    const rate = r.bandwidth?.bitsPerSecond == null ? '' : `; uploaded at ${formatBandwidth(r.bandwidth.bitsPerSecond)}`;
    lines.push(`last run: ${r.startedAt} → ${r.finishedAt ?? '(still running, or killed)'}: ${r.outcome}: ${r.message}${rate}`);
  }
  for (const v of s.subvolumes) {
    const points = v.points === null ? '? points' : `${v.points} point(s)`;
    const last = v.lastRun === null ? 'never run' : `last ${v.lastRun.outcome}${v.lastRun.snapshot === null ? '' : ` ${v.lastRun.snapshot}`} (${v.lastRun.at}), stored ${formatBytes(v.lastRun.storedBytes)}`;
    lines.push(`  ${v.name.padEnd(16)} ${points.padEnd(11)} ${last}`);
    const p = v.inProgress;
    if (p !== null) {
      const of = p.estimate === null ? '' : ` of ~${formatSize(p.estimate.totalBytes)}`;
      const nights = v.forecast === null || v.forecast.nights === null ? '' : `; ~${v.forecast.nights} more night(s), done about ${v.forecast.finishesAt!.slice(0, 10)} (${v.forecast.label})`;
      lines.push(`  ${''.padEnd(16)} unfinished ${p.kind} upload of ${p.snapshot} since ${p.since} (${p.attempts} night(s)): ${formatBytes(p.storedBytes)} stored${of}${nights}`);
    }
  }
  if (s.forecast !== null && s.forecast.nights !== null) {
    lines.push(`all unfinished uploads: ~${formatSize(s.forecast.remainingBytes)} left, ~${s.forecast.nights} night(s), done about ${s.forecast.finishesAt!.slice(0, 16).replace('T', ' ')} UTC (estimate)`);
  }
  return lines.join('\n');
}
