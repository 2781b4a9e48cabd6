import { openMeteredWriter } from '../../backup/open.ts';
import { nightlyBackup } from '../../backup/job.ts';
import type { BackupItem, BackupRunReport, BackupWindowOption } from '../../backup/run.ts';
import { describeChoice } from '../../backup/night-plan.ts';
import { describeForecast } from '../../backup/forecast-upload.ts';
import { scheduleFromFlag, scheduleFromPlan } from '../../plan/backup-window.ts';
import { DEFAULT_STATE_DIR } from '../../core/defaults.ts';
import { windowTimezone } from '../../backup/status.ts';
import { formatBytes } from '../../core/bytes.ts';
import { ExitCode, PantherError, usageError } from '../../core/errors.ts';
import type { StoragePlan } from '../../plan/types.ts';
import { RepoExit } from '../../repo/index.ts';
import { formatBandwidth, parseBandwidth } from '../../repo/backend/limit-rate.ts';
import { emit, flag, str, type Command, type Values } from '../command.ts';
import { backupProgressPrinter } from '../output/progress.ts';
import { REPO_HELP, REPO_OPTIONS, repoLocation } from '../repo-options.ts';
import { BACKUP_LOCK_HELP, SNAPSHOT_HELP, SNAPSHOT_OPTIONS, hostLockSections, snapshotContext, withBackupLock } from '../snapshot-context.ts';

export const WINDOW_HELP = `  --window HH:MM-HH:MM  upload only inside this window tonight (what the systemd timers pass, already
                        staggered); default: the plan's weekday/weekend window + stagger
  --ignore-window       upload now whatever the time (a manual run); the cap still applies
  --bandwidth RATE      upload cap: 10Mbit, 800kbit, 1.25MB/s, 1MiB/s, a bare number = bit/s, or
                        unlimited; default the plan's backup.bandwidthBitsPerSecond
  --state-dir DIR       where progress across nights is kept for \`backup status\`
                        (default $PANTHER_STATE_DIR or ${DEFAULT_STATE_DIR})`;

export const backupRunCommand: Command = {
  name: 'backup run',
  summary: 'send the due snapshots of every backed-up subvolume into the repository (what the nightly timer calls)',
  usage: 'panther backup run [--subvol NAME …] [--window HH:MM-HH:MM | --ignore-window] [--bandwidth RATE] [--dry-run] [--max-chain N] [--json]',
  help: `${SNAPSHOT_HELP}
${REPO_HELP}
${BACKUP_LOCK_HELP}
${WINDOW_HELP}
  --subvol NAME   only these subvolumes (repeatable)
  --dry-run       print tonight's plan: per subvolume not due, skip, full or incremental (against
                  what), or window closed (and what it puts off), with the forecast; send nothing
  --max-chain N   longest incremental chain before a (deduplicated) full send; default 14

Incremental against the newest backed-up snapshot still on disk; that snapshot stays held so
snapshot retention keeps it. Snapshot runs go on during the upload: the snapshot being sent and
its parent are held until it ends. Times are in the plan's time zone (the machine's without one).
No upload starts outside the window or too close to its end; a running upload is stopped early
enough that what it read is stored before the window closes. Such a run exits 0 with "window
closed; N stored; resumes next night": the next night sends the snapshot again and stores only
what is missing, for as many nights as a first upload needs. An upload larger than what is left
of tonight prints an estimate of the nights it needs.
With --json: the report with \`plan\` (what was decided before sending) and \`items\` (what was done;
\`changed\` when a snapshot run changed a decision between the plan and the send).
Exit 0 also when the window closed; 1 if any subvolume failed; 130 when stopped by a signal.`,
  options: {
    ...SNAPSHOT_OPTIONS, ...REPO_OPTIONS,
    subvol: { type: 'string', multiple: true }, 'dry-run': { type: 'boolean' }, 'max-chain': { type: 'string' },
    window: { type: 'string' }, 'ignore-window': { type: 'boolean' }, bandwidth: { type: 'string' }, 'state-dir': { type: 'string' },
  },
  async run(values, _positionals, io) {
    if (str(values, 'window') !== undefined && flag(values, 'ignore-window')) throw usageError('--window and --ignore-window contradict each other', 'give one of them');
    const engine = await snapshotContext(values, io);
    const plan = engine.plan;
    const bitsPerSecond = bandwidthOf(values, plan);
    const window = windowOf(values, plan);
    const location = repoLocation(values, plan);
    const { repo, limited, metered } = await openMeteredWriter(location, bitsPerSecond);
    const subvolumes = values['subvol'] as string[] | undefined;
    const maxChain = values['max-chain'] === undefined ? undefined : Number(values['max-chain']);
    // The job (backup/job.ts) takes the backup lock, the repository's lease, the host lock for its
    // short sections, and writes the cost ledger.
    const { report } = await nightlyBackup({
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
    emit(io, report, () => describeRun(report));
    if (report.stopped?.by === 'signal') return RepoExit.interrupted;
    return report.items.some((i) => i.error !== undefined) ? ExitCode.failed : ExitCode.ok;
  },
};

export function stateDirOf(values: Values): string {
  return str(values, 'state-dir') ?? process.env['PANTHER_STATE_DIR'] ?? DEFAULT_STATE_DIR;
}


function windowOf(values: Values, plan: StoragePlan): BackupWindowOption {
  const text = str(values, 'window');
  const zone = windowTimezone(plan);
  const nights = scheduleFromPlan(plan.backup, zone);
  const schedule = text === undefined ? nights : scheduleFromFlag(text, zone);
  return { schedule, nights, enforce: !flag(values, 'ignore-window') };
}

function bandwidthOf(values: Values, plan: StoragePlan): number | null {
  const text = str(values, 'bandwidth');
  if (text !== undefined) return parseBandwidth(text);
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
