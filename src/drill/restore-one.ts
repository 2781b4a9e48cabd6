// One subvolume of a restore or disaster drill: receive its newest point's chain into the scratch
// filesystem (backup/restore.ts: every chunk and each whole stream verified), verify the copy
// against the snapshot still on disk when there is one, start its databases on a writable
// snapshot of the copy, measure, and delete what was restored before the next subvolume.
import { chmod, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { restorePoint } from '../backup/restore.ts';
import type { PointView } from '../backup/chain.ts';
import { deleteSubvolume, snapshotSubvolume } from '../btrfs/index.ts';
import { filesystemDu } from '../btrfs/filesystem-du.ts';
import { isPantherError } from '../core/errors.ts';
import type { StoragePlan } from '../plan/types.ts';
import type { Repository } from '../repo/index.ts';
import { findSnapshot } from '../snapshot/store.ts';
import { drillDatabases } from './databases/index.ts';
import { reasonOf } from './reason.ts';
import { impliedRto } from './rto.ts';
import type { DatabaseCheck, SubvolumeDrill } from './types.ts';
import { verifyTree } from './verify/verify-tree.ts';

export interface RestoreOneInput {
  repo: Repository;
  subvolume: string;
  point: PointView;
  chainLength: number;
  /** Bytes of the chain's streams and what their restore downloads. */
  streamBytes: number;
  storedBytes: number;
  scratch: string;
  /** The plan, when the source snapshot may be compared and hooks say which databases to expect. */
  plan: StoragePlan | null;
  root: string;
  offsite: boolean;
  signal: AbortSignal;
  log(line: string): void;
  /** Called with the restored (read-only) copy before it is compared: the encryption check reads it. */
  onRestored?: (path: string) => Promise<void>;
}

export async function restoreOne(input: RestoreOneInput): Promise<SubvolumeDrill> {
  const { repo, subvolume, point, scratch, log } = input;
  const base: Omit<SubvolumeDrill, 'restoreMs' | 'restoredBytes' | 'sourceBytes' | 'verifiedAgainst' | 'differences' | 'differenceSample' | 'databases' | 'rto' | 'ok'> = {
    subvolume, point: point.id, snapshot: point.snapshotName, snapshotTime: point.time, chainLength: input.chainLength, storedBytes: input.storedBytes,
  };
  const objective = input.plan?.objectives.rtoMinutes ?? null;
  const started = Date.now();
  let restoredPath: string | null = null;
  const writable = join(scratch, `.db-${process.pid}`);
  let writableMade = false;
  try {
    log(`${subvolume}: restoring ${point.snapshotName} (point ${point.id.slice(0, 12)}, chain of ${input.chainLength})`);
    const report = await restorePoint(repo, point.id, scratch, (l) => log(`${subvolume}: ${l}`), input.signal);
    restoredPath = report.path;
    const restoreMs = Date.now() - started;
    await input.onRestored?.(restoredPath);
    const [du] = await filesystemDu([restoredPath]);
    const sourceBytes = du?.totalBytes ?? 0;

    let verifiedAgainst: SubvolumeDrill['verifiedAgainst'] = 'stream-hash';
    let differences = 0;
    let differenceSample: string[] = [];
    const source = input.plan === null ? null : await sourceSnapshot(input.plan, input.root, point.snapshotName);
    if (source !== null) {
      log(`${subvolume}: comparing with ${source}`);
      const compared = await verifyTree(source, restoredPath, { signal: input.signal });
      verifiedAgainst = 'source-snapshot';
      differences = compared.differences;
      differenceSample = compared.sample;
    }

    // Databases need to write (recovery, a pid file): a writable snapshot of the read-only copy, free on btrfs.
    await snapshotSubvolume(restoredPath, writable);
    writableMade = true;
    const databases = await checkDatabases(writable, scratch, input);
    const answered = Math.max(0, ...databases.map((d) => d.answeredAfterMs ?? 0));
    const rto = impliedRto({
      restoredBytes: input.streamBytes, restoreMs: restoreMs + answered, storedBytes: input.storedBytes,
      realBytes: input.streamBytes, objectiveMinutes: objective, offsite: input.offsite,
    });
    const ok = differences === 0 && databases.every((d) => d.ok);
    log(`${subvolume}: ${ok ? 'ok' : 'FAILED'}: ${input.streamBytes} bytes in ${restoreMs} ms, verified against the ${verifiedAgainst === 'source-snapshot' ? 'source snapshot' : 'stored stream hash'}${differences === 0 ? '' : ` (${differences} difference(s))`}${databases.map((d) => `; ${d.kind} ${d.ok ? 'answered' : 'FAILED'}`).join('')}`);
    return {
      ...base, restoredBytes: input.streamBytes, sourceBytes, restoreMs, verifiedAgainst, differences, differenceSample, databases, rto, ok,
      ...(ok ? {} : { error: differences > 0
        ? { code: 'drill-restore-differs', message: `the restored copy differs from ${point.snapshotName} in ${differences} place(s): ${differenceSample.slice(0, 3).join('; ')}`, hint: 'run panther backup check --read-data 100; back up this subvolume again (a full stream) if the repository is damaged' }
        : databases.find((d) => !d.ok)!.error ?? { code: 'drill-database-failed', message: 'a database did not come up on the restored data' } }),
    };
  } catch (error) {
    if (!isPantherError(error) && !(error instanceof Error)) throw error;
    return {
      ...base, restoredBytes: 0, sourceBytes: 0, restoreMs: Date.now() - started, verifiedAgainst: 'stream-hash',
      differences: 0, differenceSample: [], databases: [], ok: false, error: reasonOf(error),
      rto: impliedRto({ restoredBytes: 0, restoreMs: 1, storedBytes: input.storedBytes, realBytes: 0, objectiveMinutes: objective, offsite: input.offsite }),
    };
  } finally {
    if (writableMade) await deleteSubvolume(writable).catch(() => undefined);
    if (restoredPath !== null) await deleteSubvolume(restoredPath).catch(() => undefined);
  }
}

/** The snapshot the point was made from, when the plan places it and it is still on disk. */
async function sourceSnapshot(plan: StoragePlan, root: string, name: string): Promise<string | null> {
  try {
    return (await findSnapshot(plan, root, name, () => undefined)).stored.path;
  } catch {
    return null;
  }
}

/** Databases found in the copy, and a failure for each the plan's hooks expect and the copy lacks. */
async function checkDatabases(writable: string, scratch: string, input: RestoreOneInput): Promise<DatabaseCheck[]> {
  // The servers run as the data's owner: they may pass through the run directory (0711), not list it.
  const runDir = join(scratch, `.run-${process.pid}`);
  await mkdir(runDir, { mode: 0o711 });
  await chmod(runDir, 0o711);
  let found: DatabaseCheck[];
  try {
    found = await drillDatabases(writable, { runDir, signal: input.signal, log: (l) => input.log(`${input.subvolume}: ${l}`) });
  } finally {
    await rm(runDir, { recursive: true, force: true });
  }
  const hooks = input.plan?.pools.flatMap((p) => p.subvolumes).find((s) => s.name === input.subvolume)?.hooks ?? [];
  for (const kind of ['postgres', 'redis'] as const) {
    if (!hooks.some((h) => h.type === kind) || found.some((d) => d.kind === kind)) continue;
    found.push({
      kind, dataDir: '', ok: false, answeredAfterMs: null,
      error: { code: 'drill-database-missing', message: `the plan has a ${kind} hook on ${input.subvolume}, but the restored copy holds no ${kind} data`, hint: `check that ${kind}'s data directory is on this subvolume (panther doctor), then back up again` },
    });
  }
  return found;
}
