// `panther backup run`: for every subvolume whose plan says so, send the snapshot that is due into
// the repository, incrementally where a parent is still on disk and in the repository. The snapshot
// sent last stays held ("backup:parent") so snapshot retention keeps it for the next incremental.
import { deleteSubvolume, sendStream } from '../btrfs/index.ts';
import type { StoragePlan } from '../plan/types.ts';
import type { BackupProgress, Repository } from '../repo/index.ts';
import { createSnapshot, setHold, type EngineContext } from '../snapshot/engine.ts';
import { listStored, locate, removeMeta, type Located, type StoredSnapshot } from '../snapshot/store.ts';
import { periodKey } from '../snapshot/retention/index.ts';
import { DEFAULT_MAX_CHAIN, selectSend, type PointView, type SendChoice, type SnapshotView } from './chain.ts';
import { snapshotToBackUp } from './due.ts';
import { loadPoints } from './points.ts';

export const PARENT_HOLD = 'backup:parent';

export interface BackupRunOptions {
  engine: EngineContext;
  repo: Repository;
  now: string;
  dryRun: boolean;
  subvolumes?: string[];
  maxChain?: number;
  signal?: AbortSignal;
  onProgress?: (subvolume: string, progress: Readonly<BackupProgress>) => void;
}

export interface BackupItem {
  subvolume: string;
  snapshot: string | null;
  choice: SendChoice | { kind: 'not-due'; reason: string };
  point?: string;
  progress?: BackupProgress;
  error?: string;
}

export interface BackupRunReport {
  now: string;
  dryRun: boolean;
  items: BackupItem[];
}

const view = (s: StoredSnapshot): SnapshotView | null => s.meta.uuid === null ? null : { name: s.meta.name, uuid: s.meta.uuid, time: s.meta.time };

export function backupSubvolumes(plan: StoragePlan, only?: string[]): string[] {
  return plan.pools.flatMap((p) => p.subvolumes)
    .filter((s) => s.backup !== 'never' && s.mountPoint !== null && (only === undefined || only.includes(s.name)))
    .map((s) => s.name);
}

export async function backupRun(opts: BackupRunOptions): Promise<BackupRunReport> {
  const { engine } = opts;
  const report: BackupRunReport = { now: opts.now, dryRun: opts.dryRun, items: [] };
  // Temporary objects a killed run left behind are never referenced; clear the old ones.
  if (!opts.dryRun) await sweep(opts.repo);
  for (const name of backupSubvolumes(engine.plan, opts.subvolumes)) {
    if (opts.signal?.aborted) break;
    const loc = locate(engine.plan, engine.root, name);
    try {
      report.items.push(await backupOne(opts, loc, await loadPoints(opts.repo)));
    } catch (error) {
      // One subvolume's failure must not cost the others their night.
      report.items.push({ subvolume: name, snapshot: null, choice: { kind: 'not-due', reason: 'failed' }, error: (error as Error).message });
      engine.log(`${name}: ${(error as Error).message}`);
    }
  }
  return report;
}

async function backupOne(opts: BackupRunOptions, loc: Located, allPoints: PointView[]): Promise<BackupItem> {
  const { engine } = opts;
  const s = loc.subvolume;
  const points = allPoints.filter((p) => p.subvolume === s.name);
  let stored = await listStored(engine.plan, engine.root, loc);
  if (s.snapshots === null) {
    // No snapshot tiers: take the snapshot the backup needs, when a point is due at all.
    const due = points.every((p) => periodKey(tierOf(s.backup), p.time, engine.plan.snapshots.timezone, 60) !== periodKey(tierOf(s.backup), opts.now, engine.plan.snapshots.timezone, 60));
    if (!due) return { subvolume: s.name, snapshot: null, choice: { kind: 'not-due', reason: `a ${s.backup} backup point exists for this period` } };
    if (opts.dryRun) return { subvolume: s.name, snapshot: null, choice: { kind: 'full', reason: 'would snapshot and send' } };
    await createSnapshot(engine, { subvolume: s.name, now: opts.now, origin: 'backup', description: 'taken for a backup' });
    stored = await listStored(engine.plan, engine.root, loc);
  }
  const onDisk = stored.flatMap((x) => { const v = view(x); return v === null ? [] : [v]; });
  const target = snapshotToBackUp(s.backup, onDisk, points, opts.now, engine.plan.snapshots.timezone);
  if (target === null) return { subvolume: s.name, snapshot: null, choice: { kind: 'not-due', reason: `no new snapshot due for a ${s.backup} backup` } };
  const choice = selectSend(target, s.name, onDisk, points, opts.maxChain ?? DEFAULT_MAX_CHAIN);
  if (choice.kind === 'skip' || opts.dryRun) return { subvolume: s.name, snapshot: target.name, choice };

  const path = `${loc.dir}/${target.name}`;
  const sender = sendStream(path, choice.kind === 'incremental' ? { parent: `${loc.dir}/${choice.parentSnapshot}` } : {});
  const result = await opts.repo.backup(checkedStream(sender.stdout, sender.done, sender.kill), {
    subvolume: s.name,
    snapshot: { name: target.name, uuid: target.uuid, time: target.time },
    parent: choice.kind === 'incremental' ? choice.parentPoint : null,
    extra: { send: choice.kind, sendParent: choice.kind === 'incremental' ? choice.parentSnapshot : null, host: engine.plan.host },
  }, {
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    onProgress: (p) => opts.onProgress?.(s.name, p),
  });
  await moveParentHold(engine, stored, target.name);
  if (s.snapshots === null) await dropSupersededBackupSnapshots(loc, stored, target.name);
  return { subvolume: s.name, snapshot: target.name, choice, point: result.manifestId, progress: result.progress };
}

/**
 * The send stream, failing if btrfs send fails: a stream that merely ends early must never become
 * a backup point, so the writer only sees the end after the process exited 0.
 */
async function* checkedStream(stdout: AsyncIterable<Uint8Array>, done: Promise<void>, kill: () => void): AsyncGenerator<Uint8Array> {
  let finished = false;
  try {
    for await (const chunk of stdout) yield chunk;
    await done;
    finished = true;
  } finally {
    if (!finished) { kill(); await done.catch(() => undefined); }
  }
}

async function moveParentHold(engine: EngineContext, stored: StoredSnapshot[], newest: string): Promise<void> {
  await setHold(engine, newest, PARENT_HOLD, true);
  for (const x of stored) if (x.meta.name !== newest && x.meta.holds.includes(PARENT_HOLD)) await setHold(engine, x.meta.name, PARENT_HOLD, false);
}

async function dropSupersededBackupSnapshots(loc: Located, stored: StoredSnapshot[], newest: string): Promise<void> {
  for (const x of stored) {
    if (x.meta.origin !== 'backup' || x.meta.name === newest || x.meta.pinned) continue;
    await deleteSubvolume(x.path);
    await removeMeta(loc.dir, x.meta.name);
  }
}

function tierOf(frequency: StoragePlan['pools'][number]['subvolumes'][number]['backup']): 'daily' | 'weekly' | 'monthly' {
  return frequency === 'weekly' ? 'weekly' : frequency === 'monthly' ? 'monthly' : 'daily';
}

const STALE_TEMPORARY_MS = 60 * 60_000;

async function sweep(repo: Repository): Promise<void> {
  const backend = repo.backend as { sweepTemporaries?: (olderThanMs: number) => Promise<unknown> };
  await backend.sweepTemporaries?.(STALE_TEMPORARY_MS);
}
