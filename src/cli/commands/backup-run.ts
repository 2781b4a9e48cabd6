import { openRepo, type RepoLocation } from '../../backup/open.ts';
import { backupRun, type BackupItem, type BackupRunReport, type BackupWindowOption } from '../../backup/run.ts';
import { scheduleFromFlag, scheduleFromPlan } from '../../backup/window.ts';
import { formatBytes } from '../../core/bytes.ts';
import { ExitCode, PantherError, usageError } from '../../core/errors.ts';
import type { StoragePlan } from '../../plan/types.ts';
import { RepoExit, type Repository } from '../../repo/index.ts';
import { MeteredBackend, measureStored } from '../../repo/backend/metered.ts';
import { recordRun } from '../../cost/ledger.ts';
import { B2_PRICES } from '../../cost/prices.ts';
import { LimitBackend } from '../../repo/backend/limit.ts';
import { formatBandwidth } from '../../repo/backend/limit-rate.ts';
import { emit, flag, str, type Command, type Io, type Values } from '../command.ts';
import { bandwidthFlag, wholeFlag } from '../flags.ts';
import { stateDirOf } from '../options.ts';
import { planTimezone } from '../../plan/timezone.ts';
import { backupProgressPrinter } from '../output/progress.ts';
import { repoLocation } from '../repo-options.ts';
import { withRepoLock } from '../../backup/repo-lock.ts';
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
    const { repo, limited, metered } = await openCappedRepo(location, bitsPerSecond);
    const started = new Date().toISOString();
    const subvolumes = values['subvol'] as string[] | undefined;
    // The backup lock first (one backup per machine), then the repository's shared lease (no prune
    // meanwhile). The host lock only around picking and holding snapshots: snapshot runs go on
    // during the upload. The cost ledger is written under the backup lock too (one writer at a time).
    const report = await withBackupLock(values, 'backup run', async () => {
      const run = await withRepoLock(repo, 'shared', 'backup run', location.url, (lockSignal) => backupRun({
        engine, repo, now: engine.now(), dryRun: flag(values, 'dry-run'), window,
        exclusive: hostLockSections(values, 'backup run: picking and holding snapshots'),
        bandwidth: { bitsPerSecond, stats: () => limited.stats().upload },
        stateDir: stateDirOf(values),
        ...(subvolumes === undefined ? {} : { subvolumes }),
        ...(maxChain === undefined ? {} : { maxChain }),
        signal: engine.signal === undefined ? lockSignal : AbortSignal.any([engine.signal, lockSignal]),
        onProgress: backupProgressPrinter(io),
      }));
      if (!flag(values, 'dry-run')) await recordCost(values, repo, metered, started, io);
      return run;
    });
    emit(io, report, () => describeRun(report));
    if (report.stopped?.by === 'signal') return RepoExit.interrupted;
    return report.items.some((i) => i.error !== undefined) ? ExitCode.failed : ExitCode.ok;
  },
};

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

/**
 * The repository over a capped backend. Same as backup/open.ts openRepo, with the LimitBackend in
 * between; the key handling is repeated here until openRepo takes a backend wrapper.
 */
/** The repository behind a metering layer (for the cost ledger) and the bandwidth cap. */
async function openCappedRepo(loc: RepoLocation, bitsPerSecond: number | null): Promise<{ repo: Repository; limited: LimitBackend; metered: MeteredBackend }> {
  let limited: LimitBackend | undefined;
  let metered: MeteredBackend | undefined;
  const repo = await openRepo(loc, (backend) => {
    metered = new MeteredBackend(backend);
    limited = new LimitBackend(metered, { uploadBitsPerSecond: bitsPerSecond });
    return limited;
  });
  return { repo, limited: limited!, metered: metered! };
}

/** Adds this run's object-store use to the host's cost ledger; a ledger problem never fails a backup. */
async function recordCost(values: Values, repo: Repository, metered: MeteredBackend, started: string, io: Io): Promise<void> {
  try {
    await recordRun(stateDirOf(values), repo.host, {
      kind: 'backup', started, finished: new Date().toISOString(), usage: metered.usage(),
      stored: await measureStored(metered, `${repo.host}/`),
    }, B2_PRICES.hiddenVersionDays);
  } catch (error) {
    io.err(`cost ledger not updated: ${(error as Error).message}`);
  }
}

function describeItem(i: BackupItem): string {
  if (i.error !== undefined) return `${i.subvolume}: FAILED ${i.error}`;
  const what = `${i.subvolume}: ${i.choice.kind}${i.snapshot === null ? '' : ` ${i.snapshot}`}`;
  const p = i.progress;
  if (i.interrupted !== undefined) {
    const cause = i.interrupted.by === 'window' ? 'window closed' : 'interrupted';
    return `${what}: ${cause} after reading ${formatBytes(i.interrupted.bytesRead)}; ${formatBytes(i.interrupted.storedBytes)} stored, no point yet; ` +
      'the next run sends it again and stores only the rest';
  }
  if (p === undefined) return `${what} (${i.choice.reason})`;
  return `${what} (${i.choice.reason}): stream ${formatBytes(p.bytesRead)}, new ${formatBytes(p.newBytes)}, dedup ${formatBytes(p.dedupBytes)}, stored ${formatBytes(p.storedBytes)} → point ${i.point?.slice(0, 12)}`;
}

function describeRun(report: BackupRunReport): string {
  const lines = report.items.map(describeItem);
  if (lines.length === 0) lines.push('nothing to back up');
  const b = report.bandwidth;
  if (b !== null && b.bytes > 0) {
    lines.push(`uploaded ${formatBytes(b.bytes)} in ${(b.elapsedMs / 1000).toFixed(1)} s: ${formatBandwidth(b.bitsPerSecond)} (cap ${formatBandwidth(b.capBitsPerSecond)})`);
  }
  if (!report.dryRun) lines.push(report.message);
  return lines.join('\n');
}
