import type { WindowState } from '../../plan/backup-window.ts';
import { readBackupStatus, type BackupStatus } from '../../backup/status.ts';
import { formatSize } from '../../backup/forecast-upload.ts';
import { formatBytes } from '../../core/bytes.ts';
import { ExitCode } from '../../core/errors.ts';
import { formatBandwidth } from '../../repo/backend/limit-rate.ts';
import { emit, str, type Command } from '../command.ts';
import { optionalPlan } from '../repo-options.ts';
import { stateDirOf } from '../options.ts';
import { timeFlag } from '../flags.ts';
import { backupStatusInfo } from './backup-status.meta.ts';
import { onlyStateHost } from '../state-host.ts';

export type { BackupStatus } from '../../backup/status.ts';

export const backupStatus: Command = {
  ...backupStatusInfo,
  async run(values, _positionals, io) {
    const nowMs = Date.parse(timeFlag(values, 'now') ?? new Date().toISOString());
    const plan = await optionalPlan(values);
    const dir = stateDirOf(values);
    const host = str(values, 'host') ?? plan?.host ?? await onlyStateHost(dir, 'backup', io);
    const status = await readBackupStatus(dir, host, plan, nowMs);
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
