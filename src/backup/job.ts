// The nightly backup as one job, the same for `panther backup run` and the demo: on a repository the
// caller opened (through the metering layer, when the cost ledger is kept), under the backup lock
// (one backup run or prune per host) and the repository's shared lease (no prune meanwhile), read →
// plan → apply (run.ts), then the run's object-store use into the cost ledger, still under the
// backup lock so the ledger has one writer at a time (cost/ledger.ts). The host lock is taken only
// around the short sections run.ts hands to `exclusive`.
import { B2_PRICES } from '../cost/prices.ts';
import { recordRun } from '../cost/ledger.ts';
import type { Ledger } from '../cost/usage.ts';
import { measureStored, type MeteredBackend } from '../repo/backend/metered.ts';
import type { RepositoryLocking, RepositoryWriter } from '../repo/index.ts';
import { withRepoLock } from './repo-lock.ts';
import { backupRun, type BackupRunOptions, type BackupRunReport } from './run.ts';

export interface NightlyBackupOptions extends BackupRunOptions {
  /** Writes, and takes the lease (whose settle delay comes from the backend's properties). */
  repo: RepositoryWriter & RepositoryLocking;
  /** One backup run or prune per host at a time (the CLI: backup.lock beside the host lock). Default: runs directly. */
  backupLock?: <T>(fn: () => Promise<T>) => Promise<T>;
  /**
   * The metering layer under the repository's backend: with `stateDir`, what this run cost goes into
   * the host's cost ledger (not for a dry run). Absent: no ledger entry.
   */
  metered?: MeteredBackend;
}

export interface NightlyBackupResult {
  report: BackupRunReport;
  /** The ledger after this run; null when none was written (dry run, no metering, or it failed: logged). */
  ledger: Ledger | null;
}

export async function nightlyBackup(opts: NightlyBackupOptions): Promise<NightlyBackupResult> {
  const started = new Date().toISOString();
  const { backupLock = (fn) => fn(), metered, ...run } = opts;
  return backupLock(async () => {
    const report = await withRepoLock(run.repo, 'shared', 'backup run', (lockSignal) => backupRun({
      ...run,
      // A lease lost mid-run stops the upload like a signal does.
      signal: run.signal === undefined ? lockSignal : AbortSignal.any([run.signal, lockSignal]),
    }));
    const ledger = run.dryRun || metered === undefined || run.stateDir === undefined ? null
      : await recordCost(run.stateDir, run, metered, started);
    return { report, ledger };
  });
}

/** Adds this run's object-store use to the host's cost ledger; a ledger problem never fails a backup. */
async function recordCost(stateDir: string, run: BackupRunOptions, metered: MeteredBackend, started: string): Promise<Ledger | null> {
  try {
    return await recordRun(stateDir, run.repo.host, {
      kind: 'backup', started, finished: new Date().toISOString(), usage: metered.usage(),
      stored: await measureStored(metered, `${run.repo.host}/`),
    }, B2_PRICES.hiddenVersionDays);
  } catch (error) {
    run.engine.log(`cost ledger not updated: ${(error as Error).message}`);
    return null;
  }
}
