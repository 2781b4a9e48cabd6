// A drill, inside its private mount namespace (namespace.ts), as plain steps:
//   integrity: the repository's structure check plus this week's slice of packs read and verified;
//   restore:   the newest point of every backed-up subvolume restored into a scratch btrfs, verified
//              against its source snapshot (or the stored stream hash), databases started on it;
//   disaster:  the same for every subvolume in the repository, from the repository alone: no plan
//              consulted for what to restore, no snapshot on disk, no state directory.
// Then the specification's validation checks. Every failure becomes the result's reason; only a
// programming error escapes.
import { join } from 'node:path';
import { open, rm } from 'node:fs/promises';
import { checkBackups } from '../backup/check.ts';
import { openRepoStack } from '../backup/open.ts';
import { withRepoLock } from '../backup/repo-lock.ts';
import { B2_PRICES } from '../cost/prices.ts';
import { formatBytes } from '../core/bytes.ts';
import { PantherError } from '../core/errors.ts';
import { redactUrl } from '../core/redact-url.ts';
import type { MeteredBackend } from '../repo/backend/metered.ts';
import type { Repository } from '../repo/index.ts';
import { budgetBytes, downloadUsd } from './budget.ts';
import { MARKER_SCAN_BYTES, planRestore } from './plan.ts';
import { pickMarkers } from './pick-markers.ts';
import { scanRepositoryObjects } from './scan-objects.ts';
import { reasonOf } from './reason.ts';
import type { DrillRequest } from './request.ts';
import { restoreOne } from './restore-one.ts';
import { integritySlice, periodWithinBudget } from './rotation.ts';
import { assertRoom, mountScratch, prepareScratchDir, type Scratch } from './scratch.ts';
import type { DrillResult, SubvolumeDrill, ValidationRecord } from './types.ts';


export async function runDrill(request: DrillRequest, log: (line: string) => void, signal: AbortSignal): Promise<DrillResult> {
  const startedAt = new Date().toISOString();
  // B2 bills downloads; a local directory does not (backend/open.ts: s3:// is the only remote store).
  const billable = request.location.url.startsWith('s3://');
  const budgetUsd = billable ? request.budgetUsd : null;
  const result: DrillResult = {
    level: request.level, startedAt, finishedAt: startedAt, outcome: 'passed',
    repository: redactUrl(request.location.url), download: { bytes: 0, usd: 0, budgetUsd }, subvolumes: [], deferred: [],
  };
  let metered: MeteredBackend | null = null;
  try {
    const { repo, stack } = await openRepoStack(request.location, { meter: true });
    metered = stack.metered;
    // The integrity check takes the repository's shared lock itself (backup/check.ts).
    if (request.level === 'integrity') await integrity(repo, request, result, budgetUsd === null ? null : budgetBytes(budgetUsd, B2_PRICES), log);
    else {
      await withRepoLock(repo, 'shared', `drill ${request.level}`, (lockSignal) => restoreLevel(repo, request, result, log, AbortSignal.any([signal, lockSignal])), 0, log);
    }
  } catch (error) {
    result.outcome = 'failed';
    result.reason = reasonOf(error);
  }
  const down = metered === null ? 0 : Object.values(metered.usage()).reduce((a, d) => a + d.bytesDown, 0);
  result.download = { bytes: down, usd: billable ? Math.round(downloadUsd(down, B2_PRICES) * 10_000) / 10_000 : 0, budgetUsd };
  if (result.outcome === 'passed') {
    const failed = result.subvolumes.find((s) => !s.ok);
    if (failed !== undefined) {
      result.outcome = 'failed';
      result.reason = failed.error ?? { code: 'drill-subvolume-failed', message: `${failed.subvolume} did not restore cleanly` };
    } else if (result.validation?.encryption?.ok === false) {
      result.outcome = 'failed';
      result.reason = { code: 'drill-plaintext-in-repository', message: `${result.validation.encryption.found} plaintext marker(s) from the restored data were found in the repository's objects`, hint: 'the repository is not encrypting what it stores: stop backing up to it and report this as a bug' };
    } else if (result.validation?.restorePathWritable === false) {
      result.outcome = 'failed';
      result.reason = { code: 'drill-restore-path', message: 'the restore location could not be written' };
    }
  }
  if (signal.aborted && result.outcome !== 'passed') {
    result.outcome = 'interrupted';
    result.reason = { code: 'drill-interrupted', message: 'the drill was stopped (SIGINT/SIGTERM) before it finished', hint: 'run it again; its scratch space is gone' };
  }
  result.finishedAt = new Date().toISOString();
  return result;
}

async function integrity(repo: Repository, request: DrillRequest, result: DrillResult, limitBytes: number | null, log: (line: string) => void): Promise<void> {
  // A repository too large for a week's slice to fit the budget is read over more weeks.
  const total = (await repo.index()).packSizes.reduce((a, b) => a + b, 0);
  const weeks = periodWithinBudget(total, limitBytes, request.periodWeeks);
  if (weeks > request.periodWeeks) log(`integrity: ${formatBytes(total)} of packs: a 1/${request.periodWeeks} slice would not fit the download budget, so the pass takes ${weeks} weeks`);
  const slice = integritySlice(Date.parse(request.now), weeks);
  log(`integrity: structure check, and reading slice ${slice.index + 1} of ${slice.of} of the packs (every pack is read once in ${slice.of} weeks)`);
  // Without a state directory the host's record of completed points is not compared (none to read).
  const report = await checkBackups(repo, { readData: 0, slice, stateDir: request.stateDir ?? join(request.scratchDir, 'no-state'), log });
  const errors = report.problems.filter((p) => p.severity === 'error');
  const problems = errors.length;
  result.integrity = { problems, packsTotal: report.stats.packs, packsRead: report.stats.packsRead, bytesRead: report.stats.bytesRead, slice };
  if (problems > 0) {
    const first = errors[0];
    throw new PantherError('drill-repository-damaged', `the repository has ${problems} error(s)${first === undefined ? '' : `; first: ${first.code} ${first.object}: ${first.message}`}`, {
      hint: first?.hint ?? 'panther backup check --read-data 100 lists everything affected',
    });
  }
  log(`integrity: no errors; read ${report.stats.packsRead} of ${report.stats.packs} packs (${formatBytes(report.stats.bytesRead)})`);
}

async function restoreLevel(repo: Repository, request: DrillRequest, result: DrillResult, log: (line: string) => void, signal: AbortSignal): Promise<void> {
  const planned = await planRestore(repo, request);
  for (const name of planned.missing) {
    result.subvolumes.push(failedSubvolume(name, { code: 'drill-no-backup', message: `${name} is backed up by the plan but has no point in the repository`, hint: 'panther backup status says why; run panther backup run' }));
  }
  result.deferred = planned.deferred;
  if (planned.chosen.length === 0) {
    if (planned.deferred.length === 0) throw new PantherError('drill-nothing-to-restore', `the repository holds no backup point of ${repo.host}`, { hint: 'run panther backup run first' });
    throw new PantherError('drill-budget-too-small', `no subvolume's restore fits the drill's download budget (${formatBytes(planned.limitBytes ?? 0)})`, {
      hint: 'raise --budget-usd (or storage.drill.budgetUsd), or run this drill against a local copy of the repository',
    });
  }
  for (const d of planned.deferred) log(`deferred ${d.subvolume}: ${d.reason}`);

  const dir = await prepareScratchDir(request.scratchDir, log);
  await assertRoom(dir, planned.imageBytes);
  const scratch: Scratch = await mountScratch(dir, planned.imageBytes);
  const validation: ValidationRecord = { lastBackupAt: planned.lastBackupAt, storedVsSource: { storedBytes: 0, sourceBytes: 0, ratio: null }, encryption: null, restorePathWritable: null };
  result.validation = validation;
  try {
    validation.restorePathWritable = await writable(scratch.mountpoint);
    // Markers from the largest subvolume restored: the question is whether the repository stores
    // plaintext, and the most data gives the most distinctive markers.
    const largest = planned.chosen.reduce((x, y) => (y.streamBytes > x.streamBytes ? y : x));
    for (const p of planned.chosen) {
      if (signal.aborted) break;
      const check = p === largest;
      result.subvolumes.push(await restoreOne({
        repo, subvolume: p.subvolume, point: p.point, chainLength: p.chain.length, streamBytes: p.streamBytes, storedBytes: p.storedBytes,
        scratch: scratch.mountpoint, plan: request.level === 'disaster' ? null : request.plan, root: request.root,
        offsite: repo.backend.properties.remote, signal, log,
        ...(check ? { onRestored: async (path: string) => { validation.encryption = await encryptionCheck(repo, path, p.packs, log, signal); } } : {}),
      }));
    }
  } finally {
    await scratch.release().catch((error: unknown) => log(`scratch filesystem not unmounted (${(error as Error).message}); it goes with the drill's mount namespace`));
  }
  const stored = result.subvolumes.reduce((a, s) => a + s.storedBytes, 0);
  const source = result.subvolumes.reduce((a, s) => a + s.sourceBytes, 0);
  validation.storedVsSource = { storedBytes: stored, sourceBytes: source, ratio: source === 0 ? null : Math.round((stored / source) * 1000) / 1000 };
}

function failedSubvolume(subvolume: string, error: SubvolumeDrill['error'] & object): SubvolumeDrill {
  return {
    subvolume, point: '', snapshot: '', snapshotTime: new Date(0).toISOString(), chainLength: 0, restoredBytes: 0, storedBytes: 0, sourceBytes: 0,
    restoreMs: 0, verifiedAgainst: 'stream-hash', differences: 0, differenceSample: [], databases: [], ok: false, error,
    rto: { objectiveMinutes: null, impliedMinutes: 0, impliedMinutesAtLink: 0, linkBitsPerSecond: 10_000_000, met: null },
  };
}

/** The specification's "restore path access": a file created, written, fsynced and removed there. */
async function writable(dir: string): Promise<boolean> {
  const probe = join(dir, `.panther-drill-probe-${process.pid}`);
  try {
    const handle = await open(probe, 'wx', 0o600);
    try { await handle.write('probe'); await handle.sync(); } finally { await handle.close(); }
    await rm(probe);
    return true;
  } catch {
    return false;
  }
}

/** Markers from the restored copy; none may be in the manifests, index or the point's packs as stored. */
async function encryptionCheck(repo: Repository, restored: string, packs: string[], log: (line: string) => void, signal: AbortSignal): Promise<NonNullable<ValidationRecord['encryption']>> {
  // Markers are the user's data: kept in memory, never logged or recorded (only how many were found).
  const { markers } = await pickMarkers(restored, { seed: `${repo.id}:${restored}`, signal });
  const scan = await scanRepositoryObjects(repo.backend, repo.host, markers, { maxBytes: MARKER_SCAN_BYTES, packs, signal });
  log(`encryption: ${markers.length} plaintext marker(s) from the restored data, ${scan.found} found in ${scan.objectsScanned} object(s) (${formatBytes(scan.bytesScanned)}) of the repository`);
  return { markers: markers.length, objectsScanned: scan.objectsScanned, bytesScanned: scan.bytesScanned, found: scan.found, ok: scan.found === 0 };
}
