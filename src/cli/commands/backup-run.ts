import { openMeteredWriter } from '../../backup/open.ts';
import { nightlyBackup } from '../../backup/job.ts';
import type { BackupItem, BackupRunReport, BackupWindowOption } from '../../backup/run.ts';
import { describeChoice } from '../../backup/night-plan.ts';
import { describeForecast } from '../../backup/forecast-upload.ts';
import { scheduleFromFlag, scheduleFromPlan } from '../../plan/backup-window.ts';
import { planTimezone } from '../../plan/timezone.ts';
import { formatBytes } from '../../core/bytes.ts';
import { ExitCode, usageError } from '../../core/errors.ts';
import type { StoragePlan } from '../../plan/types.ts';
import { parseS3Url, RepoExit } from '../../repo/index.ts';
import { backupRunEvents, backupRunThrewEvents, backupTarget, type BackupTarget } from '../../metrics/from-reports.ts';
import { formatBandwidth } from '../../repo/backend/limit-rate.ts';
import { emit, flag, str, type Command, type Io, type Values } from '../command.ts';
import { bandwidthFlag, wholeFlag } from '../flags.ts';
import { stateDirOf } from '../options.ts';
import { backupProgressPrinter } from '../output/progress.ts';
import { repoLocation } from '../repo-options.ts';
import { isRunFailure, sendRunMetrics, withFailureMetrics } from '../run-metrics.ts';
import { hostLockSections, snapshotContext, withBackupLock } from '../snapshot-context.ts';
import { backupRunCommandInfo } from './backup-run.meta.ts';

export const backupRunCommand: Command = {
  ...backupRunCommandInfo,
  async run(values, _positionals, io) {
    if (str(values, 'window') !== undefined && flag(values, 'ignore-window')) throw usageError('--window and --ignore-window contradict each other', 'give one of them');
    const maxChain = wholeFlag(values, 'max-chain', { min: 1, example: '14' });
    bandwidthFlag(values, 'bandwidth'); // refused before the plan is read
    const engine = await snapshotContext(values, io);
    const plan = engine.plan;
    const bitsPerSecond = bandwidthOf(values, plan);
    const window = windowOf(values, plan);
    const location = repoLocation(values, plan);
    const dryRun = flag(values, 'dry-run');
    const started = performance.now();
    const { report } = await withFailureMetrics(values, io, plan.host, () => backupJob(values, io, engine, location, bitsPerSecond, window, maxChain), (error) => dryRun || !isRunFailure(error) ? [] : backupRunThrewEvents(plan.host));
    const seconds = (performance.now() - started) / 1000;
    emit(io, report, () => describeRun(report));
    await sendRunMetrics(values, io, plan.host, backupRunEvents(plan.host, targetOf(location.url), report, seconds));
    if (report.stopped?.by === 'signal') return RepoExit.interrupted;
    return report.items.some((i) => i.error !== undefined) ? ExitCode.failed : ExitCode.ok;
  },
};

type Engine = Awaited<ReturnType<typeof snapshotContext>>;

async function backupJob(values: Values, io: Io, engine: Engine, location: ReturnType<typeof repoLocation>, bitsPerSecond: number | null, window: BackupWindowOption, maxChain: number | undefined): ReturnType<typeof nightlyBackup> {
  const { repo, limited, metered } = await openMeteredWriter(location, bitsPerSecond, stateDirOf(values));
  const subvolumes = values['subvol'] as string[] | undefined;
  // The job (backup/job.ts) takes the backup lock, the repository's lease, the host lock for its
  // short sections, and writes the cost ledger.
  return nightlyBackup({
    engine, repo, metered, now: engine.now(), dryRun: flag(values, 'dry-run'), window,
    backupLock: (fn) => withBackupLock(values, 'backup run', fn),
    exclusive: hostLockSections(values, 'backup run: picking and holding snapshots'),
    bandwidth: { bitsPerSecond, stats: () => limited.stats().upload },
    stateDir: stateDirOf(values),
    ...(subvolumes === undefined ? {} : { subvolumes }),
    ...(maxChain === undefined ? {} : { maxChain }),
    ...(engine.signal === undefined ? {} : { signal: engine.signal }),
    onProgress: backupProgressPrinter(io),
  });
}

function targetOf(url: string): BackupTarget {
  if (!url.startsWith('s3://')) return backupTarget(null);
  try {
    return backupTarget(parseS3Url(url).endpoint);
  } catch {
    return 's3';
  }
}


function windowOf(values: Values, plan: StoragePlan): BackupWindowOption {
  const text = str(values, 'window');
  const zone = planTimezone(plan);
  const nights = scheduleFromPlan(plan.backup, zone);
  const schedule = text === undefined ? nights : scheduleFromFlag(text, zone);
  return { schedule, nights, enforce: !flag(values, 'ignore-window') };
}

function bandwidthOf(values: Values, plan: StoragePlan): number | null {
  const given = bandwidthFlag(values, 'bandwidth');
  if (given !== undefined) return given;
  const planned = plan.backup.bandwidthBitsPerSecond;
  return Number.isFinite(planned) && planned > 0 ? planned : null;
}

function describeItem(i: BackupItem, dryRun: boolean): string {
  if (i.error !== undefined) return `${i.subvolume}: FAILED ${i.error}`;
  const sends = i.choice.kind === 'full' || i.choice.kind === 'incremental';
  const snapshot = i.snapshot !== null ? ` ${i.snapshot}` : sends ? ' (a new snapshot)' : '';
  const what = `${i.subvolume}: ${i.choice.kind}${snapshot}`;
  const changed = i.changed === undefined ? '' : ` [planned: ${i.changed.planned}; the snapshots changed since]`;
  const p = i.progress;
  if (i.interrupted !== undefined) {
    const cause = i.interrupted.by === 'window' ? 'window closed' : 'interrupted';
    return `${what}: ${cause} after reading ${formatBytes(i.interrupted.bytesRead)}; ${formatBytes(i.interrupted.storedBytes)} stored, no point yet; ` +
      `the next run sends it again and stores only the rest${changed}`;
  }
  const deferred = i.choice.kind === 'window-closed' && i.choice.deferred !== undefined ? `; then ${describeChoice(i.choice.deferred, null)}` : '';
  const forecast = dryRun && i.forecast !== undefined ? `; ${describeForecast(i.subvolume, i.forecast).slice(i.subvolume.length + 2)}` : '';
  if (p === undefined) return `${what} (${i.choice.reason}${deferred})${forecast}${changed}`;
  return `${what} (${i.choice.reason}): stream ${formatBytes(p.bytesRead)}, new ${formatBytes(p.newBytes)}, dedup ${formatBytes(p.dedupBytes)}, stored ${formatBytes(p.storedBytes)} → point ${i.point?.slice(0, 12)}${changed}`;
}

function describeRun(report: BackupRunReport): string {
  const lines = report.items.map((i) => describeItem(i, report.dryRun));
  if (lines.length === 0) lines.push('nothing to back up');
  const b = report.bandwidth;
  if (b !== null && b.bytes > 0) {
    lines.push(`uploaded ${formatBytes(b.bytes)} in ${(b.elapsedMs / 1000).toFixed(1)} s: ${formatBandwidth(b.bitsPerSecond)} (cap ${formatBandwidth(b.capBitsPerSecond)})`);
  }
  if (!report.dryRun) lines.push(report.message);
  return lines.join('\n');
}
