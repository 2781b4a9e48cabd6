// `panther backup run`: for every subvolume whose plan says so, send the snapshot that is due into
// the repository, incrementally where a parent is still on disk and in the repository. The snapshot
// sent last stays held ("backup:parent") so snapshot retention keeps it for the next incremental.
//
// Inside a backup window (window.ts): no upload starts when the window is closed or too close to its
// end, and a running upload is stopped early enough that the repository's flush of what was read
// (flushOnAbort) lands before the window closes. A stopped upload leaves no backup point, only
// durable packs; the next night sends the snapshot again and dedup skips what is stored, so a first
// upload of any size continues night after night until it completes (NOTES 12).
//
// A run reads (snapshots on disk, the repository's points, the state), plans (night-plan.ts, pure:
// what `--dry-run` prints) and applies the plan, deciding each subvolume again under the host lock
// with the same functions, since snapshot runs may have changed its snapshots since the read.
//
// Snapshot runs go on during an upload (a first upload can take weeks of nights, and the frequent
// snapshots carry the RPO): only the short sections before and after each upload run under
// `exclusive` (the host lock); the snapshot being sent and its parent are held ("backup:upload")
// meanwhile, so the pruning of those snapshot runs keeps them.
import { deleteSubvolume, sendStream } from '../btrfs/index.ts';
import { BACKUP_SEND_EXTRA, BACKUP_SEND_OPTIONS } from './send-options.ts';
import { checkedStream } from './checked-stream.ts';
import { formatBytes } from '../core/bytes.ts';
import type { StoragePlan } from '../plan/types.ts';
import type { BackupProgress, RepositoryReader, RepositoryWriter } from '../repo/index.ts';
import { createSnapshot, setHold, type EngineContext } from '../snapshot/engine.ts';
import { listStored, locate, removeMeta, type Located, type StoredSnapshot } from '../snapshot/store.ts';
import { selectSend, type SendChoice, type SnapshotView } from './chain.ts';
import { decide, describeChoice, dueTarget, planNight, sameDecision, type ItemChoice, type NightPlan, type PlannedItem, type SubvolumeReading } from './night-plan.ts';
import { holdRepairs, PARENT_HOLD, UPLOAD_HOLD } from './holds.ts';
import type { Forecast, UploadEstimate } from './forecast.ts';
import { describeForecast, forecastFor, poolUsedBytes, type SizedPoint } from './forecast-upload.ts';
import { stopWhen } from './window-stop.ts';
import { windowState, type WindowSchedule, type WindowState } from '../plan/backup-window.ts';
import { uploadDecision, type StopMarginInput } from './window.ts';
import { recordPoint, type RecordedPointEntry } from './point-record.ts';
import {
  beginRun, finishRun, readBackupState, recordItem, writeBackupState,
  type BackupState, type BandwidthRecord, type InProgress, type ItemRecord, type RunOutcome,
} from './window-progress.ts';

export { PARENT_HOLD, UPLOAD_HOLD } from './holds.ts';

export interface BackupWindowOption {
  /** Tonight's window: `--window` (what the timers pass) or the plan's. */
  schedule: WindowSchedule;
  /** false (`--ignore-window`): upload at any time; the schedules still drive forecasts. */
  enforce: boolean;
  /**
   * The plan's weekday/weekend windows, which the timers follow: when the next night opens and how
   * much the coming nights carry. Default: `schedule`.
   */
  nights?: WindowSchedule;
}

export interface BackupRunOptions {
  engine: EngineContext;
  repo: RepositoryWriter;
  now: string;
  dryRun: boolean;
  subvolumes?: string[];
  maxChain?: number;
  signal?: AbortSignal;
  onProgress?: (subvolume: string, progress: Readonly<BackupProgress>) => void;
  /** When uploads may run; absent = at any time, no forecasts. */
  window?: BackupWindowOption;
  /** The upload cap the repository's backend applies (limit.ts), for stop margins, forecasts and the report. */
  bandwidth?: { bitsPerSecond: number | null; stats?: () => BandwidthRecord };
  /** Keep per-host progress here for `backup status` (window-progress.ts); absent = not kept. */
  stateDir?: string;
  /** Wall-clock ms for the window; default `now` advancing with the real clock. */
  clock?: () => number;
  /**
   * Runs `fn` while snapshot runs are kept out (the CLI: the host lock): choosing what to send,
   * setting and moving holds, taking a backup's own snapshot. The uploads run outside it. Default:
   * runs `fn` directly. Callers run one backupRun per host at a time (the CLI: the backup lock).
   */
  exclusive?: <T>(fn: () => Promise<T>) => Promise<T>;
}

export type { ItemChoice, NightPlan, PlannedItem } from './night-plan.ts';

export interface BackupItem {
  subvolume: string;
  snapshot: string | null;
  choice: ItemChoice;
  point?: string;
  progress?: BackupProgress;
  error?: string;
  /** The upload stopped before its end: by the window closing or a signal. No point was written. */
  interrupted?: { by: 'window' | 'signal'; bytesRead: number; storedBytes: number };
  /** Printed before an upload larger than what is left of tonight's window. */
  forecast?: { estimate: UploadEstimate; forecast: Forecast };
  /** The decision under the host lock differed from the plan's (snapshot runs changed the snapshots meanwhile). */
  changed?: { planned: string; now: string };
}

export interface BackupRunReport {
  now: string;
  dryRun: boolean;
  items: BackupItem[];
  /** The window at the start of the run; null when no window applies. */
  window: WindowState | null;
  /** Why the run stopped early, if it did. */
  stopped: { by: 'window' | 'signal'; at: string; resumesAt: string | null } | null;
  /** Bytes made durable by this run, interrupted uploads included. */
  storedBytes: number;
  bandwidth: BandwidthRecord | null;
  message: string;
  /** What the run decided before sending anything (a dry run's items are this plan); null when nothing could be read. */
  plan: NightPlan | null;
}

const view = (s: StoredSnapshot): SnapshotView | null => s.meta.uuid === null ? null : { name: s.meta.name, uuid: s.meta.uuid, time: s.meta.time };

export function backupSubvolumes(plan: StoragePlan, only?: string[]): string[] {
  return plan.pools.flatMap((p) => p.subvolumes)
    .filter((s) => s.backup !== 'never' && s.mountPoint !== null && (only === undefined || only.includes(s.name)))
    .map((s) => s.name);
}

/** What one run shares between its subvolumes. */
interface RunContext {
  opts: BackupRunOptions;
  clock: () => number;
  margin: StopMarginInput;
  state: BackupState | null;
}

export async function backupRun(opts: BackupRunOptions): Promise<BackupRunReport> {
  const { engine } = opts;
  const startMs = Date.parse(opts.now);
  // The real clock's progress from `now`: Date.now, not a monotonic timer, so a laptop that resumes
  // from suspend past the window's end sees the window closed.
  const offset = startMs - Date.now();
  const clock = opts.clock ?? (() => Date.now() + offset);
  const margin: StopMarginInput = { packSize: opts.repo.params.packSize, chunkMax: opts.repo.params.chunker.max, bitsPerSecond: opts.bandwidth?.bitsPerSecond ?? null };
  const enforced = opts.window?.enforce === true ? opts.window.schedule : null;
  const report: BackupRunReport = { now: opts.now, dryRun: opts.dryRun, items: [], window: null, stopped: null, storedBytes: 0, bandwidth: null, message: '', plan: null };
  const keep = opts.stateDir !== undefined && !opts.dryRun;
  const ctx: RunContext = { opts, clock, margin, state: keep ? beginRun(await readBackupState(opts.stateDir!, engine.plan.host, opts.now), opts.now, windowAt(enforced, clock())) : null };
  await saveState(ctx);

  const names = backupSubvolumes(engine.plan, opts.subvolumes);
  const nowMs = clock();
  const closedAtStart = !opts.dryRun && enforced !== null && !uploadDecision(windowState(enforced, nowMs), nowMs, margin).start;
  // Temporary objects a killed run left behind are never referenced; clear the old ones.
  if (!opts.dryRun && !closedAtStart) await sweep(opts.repo);
  // Read, then plan: what a dry run prints and what the run below executes.
  const read = await readNight(ctx, names, closedAtStart);
  const plan = read.readings.length === 0 && read.failed.length > 0 ? null : planNight({
    now: opts.now, nowMs, timezone: engine.plan.snapshots.timezone, subvolumes: read.readings.map((r) => r.reading),
    points: read.points, window: enforced, margin, nights: opts.window?.nights ?? opts.window?.schedule ?? null,
    ...(opts.maxChain === undefined ? {} : { maxChain: opts.maxChain }),
  });
  report.plan = plan;
  report.window = plan?.window ?? windowAt(enforced, clock());
  const planned = new Map((plan?.items ?? []).map((i) => [i.subvolume, i]));
  const failedRead = new Map(read.failed.map((f) => [f.name, f.error]));
  const locs = new Map(read.readings.map((r) => [r.reading.name, r.loc]));
  const failed = (name: string, error: string): BackupItem => {
    // One subvolume's failure must not cost the others their night.
    const item: BackupItem = { subvolume: name, snapshot: null, choice: { kind: 'not-due', reason: 'failed' }, error };
    engine.log(`${name}: ${error}`);
    record(ctx, item);
    return item;
  };
  const closed = (name: string, reason: string): BackupItem => {
    const item: BackupItem = { subvolume: name, snapshot: null, choice: { kind: 'window-closed', reason } };
    record(ctx, item);
    return item;
  };
  if (opts.dryRun) {
    for (const name of names) {
      const p = planned.get(name);
      report.items.push(p === undefined ? failed(name, failedRead.get(name)!) : plannedItem(p));
    }
  } else if (plan !== null && plan.start !== null && !plan.start.start) {
    // Nothing to do tonight (a timer that fired after resume from suspend, a manual run by day):
    // not even a listing of the repository.
    for (const name of names) report.items.push(closed(name, plan.start.reason));
    report.stopped = { by: 'window', at: iso(clock()), resumesAt: nextOpening(opts.window!, clock()) };
  } else {
    for (const name of names) {
      if (opts.signal?.aborted) break;
      if (report.stopped !== null) {
        const opens = report.stopped.resumesAt === null ? '' : ` (opens ${report.stopped.resumesAt})`;
        report.items.push(closed(name, `window closed: resumes next night${opens}`));
        continue;
      }
      const p = planned.get(name);
      const item = p === undefined ? failed(name, failedRead.get(name)!) : await backupOneSafely(ctx, locs.get(name)!, p, read.points!);
      report.items.push(item);
      const stoppedBy = item.interrupted?.by ?? (item.choice.kind === 'window-closed' ? 'window' : null);
      if (stoppedBy !== null) report.stopped = { by: stoppedBy, at: iso(clock()), resumesAt: opts.window === undefined ? null : nextOpening(opts.window, clock()) };
    }
  }
  report.storedBytes = report.items.reduce((n, i) => n + (i.progress?.storedBytes ?? 0), 0);
  report.bandwidth = opts.bandwidth?.stats?.() ?? null;
  const outcome = runOutcome(report);
  report.message = runMessage(report, outcome);
  if (ctx.state !== null) ctx.state = finishRun(ctx.state, iso(clock()), outcome, report.message, report.bandwidth);
  await saveState(ctx);
  return report;
}

const windowAt = (schedule: WindowSchedule | null, ms: number): WindowState | null => schedule === null ? null : windowState(schedule, ms);

/** A planned item as a dry run reports it. */
function plannedItem(p: PlannedItem): BackupItem {
  return { subvolume: p.subvolume, snapshot: p.snapshot, choice: p.choice, ...(p.forecast === undefined ? {} : { forecast: p.forecast }) };
}

interface NightReading {
  readings: Array<{ reading: SubvolumeReading; loc: Located }>;
  /** Subvolumes that could not be read, and why. */
  failed: Array<{ name: string; error: string }>;
  /** null: not listed (the window is closed and this is no dry run), or the listing failed. */
  points: SizedPoint[] | null;
}

/**
 * The read step: each subvolume's snapshots, its pool's used space and unfinished upload, and the
 * points from one listing (B2 GETs cost). A real run outside its window lists nothing.
 */
async function readNight(ctx: RunContext, names: string[], closed: boolean): Promise<NightReading> {
  const { opts } = ctx;
  const { engine } = opts;
  const out: NightReading = { readings: [], failed: [], points: null };
  if (!closed) {
    try {
      out.points = await loadPointsWithSizes(opts.repo);
    } catch (error) {
      out.failed = names.map((name) => ({ name, error: (error as Error).message }));
      return out;
    }
  }
  const prior = ctx.state ?? (opts.stateDir === undefined ? null : await readBackupState(opts.stateDir, engine.plan.host, opts.now).catch(() => null));
  const forecasts = opts.window !== undefined && ctx.margin.bitsPerSecond !== null;
  for (const name of names) {
    try {
      const loc = locate(engine.plan, engine.root, name);
      const s = loc.subvolume;
      // A real run lists again under the host lock, which warns about odd snapshots; warn once.
      const snapshots = closed ? [] : onDisk(await listStored(engine.plan, engine.root, loc, opts.dryRun ? undefined : () => {}));
      const hasPoints = out.points?.some((p) => p.subvolume === name) ?? true;
      out.readings.push({
        loc, reading: {
          name, frequency: s.backup, ownSnapshot: s.snapshots === null, snapshots,
          poolUsedBytes: forecasts && !closed && !hasPoints ? await poolUsedBytes(loc.dir) : null,
          prior: prior?.subvolumes[name]?.inProgress ?? null,
        },
      });
    } catch (error) {
      out.failed.push({ name, error: (error as Error).message });
    }
  }
  return out;
}

const onDisk = (stored: StoredSnapshot[]): SnapshotView[] => stored.flatMap((x) => { const v = view(x); return v === null ? [] : [v]; });

async function backupOneSafely(ctx: RunContext, loc: Located, planned: PlannedItem, listed: SizedPoint[]): Promise<BackupItem> {
  const { engine } = ctx.opts;
  let item: BackupItem;
  let points: number | undefined;
  try {
    const result = await backupOne(ctx, loc, planned, listed);
    item = result.item;
    points = result.points;
  } catch (error) {
    // One subvolume's failure must not cost the others their night.
    item = { subvolume: loc.subvolume.name, snapshot: null, choice: { kind: 'not-due', reason: 'failed' }, error: (error as Error).message };
    engine.log(`${loc.subvolume.name}: ${(error as Error).message}`);
  }
  record(ctx, item, points);
  await saveState(ctx);
  return item;
}

/** The points as chain selection sees them, plus sizes for forecasts, from one listing (B2 GETs cost). */
async function loadPointsWithSizes(repo: RepositoryReader): Promise<SizedPoint[]> {
  const entries = await repo.listManifests();
  return entries.flatMap((e) => e.head === undefined ? [] : [{
    id: e.id, subvolume: e.head.subvolume, snapshotUuid: e.head.snapshot.uuid, snapshotName: e.head.snapshot.name,
    time: e.head.snapshot.time, parent: e.head.parent, streamBytes: e.head.stream.size, storedBytes: e.head.stored.storedBytes,
  }]);
}

type Picked = { item: BackupItem } | { target: SnapshotView; choice: Extract<SendChoice, { kind: 'full' | 'incremental' }>; changed?: BackupItem['changed'] };

async function backupOne(ctx: RunContext, loc: Located, planned: PlannedItem, allPoints: SizedPoint[]): Promise<{ item: BackupItem; points: number }> {
  const { opts } = ctx;
  const s = loc.subvolume;
  const points = allPoints.filter((p) => p.subvolume === s.name);
  const done = (item: BackupItem, extra = 0) => ({ item, points: points.length + extra });
  const exclusive = opts.exclusive ?? ((fn) => fn());
  // Only this short section keeps snapshot runs out: the upload itself runs beside them, on held snapshots.
  const picked = await exclusive(() => pick(ctx, loc, points, planned));
  if ('item' in picked) return done(picked.item);
  const { target, choice } = picked;
  const parent = choice.kind === 'incremental' ? choice.parentSnapshot : null;
  let point: string | undefined;
  try {
    const item = await upload(ctx, loc, points, target, choice);
    point = item.point;
    return done({ ...item, ...(picked.changed === undefined ? {} : { changed: picked.changed }) }, point === undefined ? 0 : 1);
  } finally {
    // Not getting the lock here (a snapshot wrap running for half an hour) costs nothing but time:
    // the snapshots stay held, and the next backup run moves and clears the holds (repairHolds).
    await exclusive(() => afterUpload(opts.engine, loc, target.name, parent, point !== undefined)).catch((error: unknown) => {
      opts.engine.log(`${target.name}: ${point === undefined ? '' : `point ${point.slice(0, 12)} stored, but `}snapshot holds not updated (${(error as Error).message}); the next backup run updates them`);
    });
  }
}

/**
 * Under the host lock: the plan's decision for this subvolume made again on what is on disk now
 * (snapshot runs went on since the read), the snapshot a subvolume without tiers needs, and the
 * holds that keep the snapshot and its parent on disk while the upload runs (snapshot retention
 * never deletes a held snapshot).
 */
async function pick(ctx: RunContext, loc: Located, points: SizedPoint[], planned: PlannedItem): Promise<Picked> {
  const { opts } = ctx;
  const { engine } = opts;
  const s = loc.subvolume;
  const zone = engine.plan.snapshots.timezone;
  const stored = await repairHolds(engine, loc, await listStored(engine.plan, engine.root, loc), points);
  const reading: SubvolumeReading = { name: s.name, frequency: s.backup, ownSnapshot: s.snapshots === null, snapshots: onDisk(stored), poolUsedBytes: null, prior: null };
  const decided = decide(reading, points, opts.now, zone, opts.maxChain);
  const same = sameDecision(decided.choice, planned.choice) && decided.snapshot === planned.snapshot;
  const changed = same ? undefined : { planned: describeChoice(planned.choice, planned.snapshot), now: describeChoice(decided.choice, decided.snapshot) };
  const withChange = changed === undefined ? {} : { changed };
  if (changed !== undefined) engine.log(`${s.name}: planned ${changed.planned}, now ${changed.now} (the snapshots changed since the plan was made)`);
  if (decided.choice.kind === 'not-due') return { item: { subvolume: s.name, snapshot: null, choice: decided.choice, ...withChange } };
  let target: SnapshotView;
  let choice = decided.choice;
  if (decided.snapshot === null) {
    // No snapshot tiers: take the snapshot the backup needs, now that a point is due.
    await createSnapshot(engine, { subvolume: s.name, now: opts.now, origin: 'backup', description: 'taken for a backup' });
    const snapshots = onDisk(await listStored(engine.plan, engine.root, loc));
    const due = dueTarget({ ...reading, ownSnapshot: false, snapshots }, points, opts.now, zone);
    if (due.kind !== 'send') return { item: { subvolume: s.name, snapshot: null, choice: { kind: 'not-due', reason: due.kind === 'not-due' ? due.reason : 'no snapshot to send' }, ...withChange } };
    target = due.target;
    choice = selectSend(target, s.name, snapshots, points, opts.maxChain);
  } else {
    target = reading.snapshots.find((x) => x.name === decided.snapshot)!;
  }
  if (choice.kind === 'skip') return { item: { subvolume: s.name, snapshot: target.name, choice, ...withChange } };
  await setHold(engine, target.name, UPLOAD_HOLD, true);
  if (choice.kind === 'incremental') await setHold(engine, choice.parentSnapshot, UPLOAD_HOLD, true);
  return { target, choice, ...withChange };
}

/** Puts right the holds a run that did not end cleanly left behind (holds.ts). */
async function repairHolds(engine: EngineContext, loc: Located, stored: StoredSnapshot[], points: SizedPoint[]): Promise<StoredSnapshot[]> {
  const repairs = holdRepairs(stored.map((x) => x.meta), new Set(points.map((p) => p.snapshotUuid)));
  for (const name of repairs.clearUpload) await setHold(engine, name, UPLOAD_HOLD, false);
  if (repairs.clearUpload.length === 0 && repairs.parent === null) return stored;
  const now = await listStored(engine.plan, engine.root, loc);
  if (repairs.parent === null) return now;
  await moveParentHold(engine, now, repairs.parent);
  return listStored(engine.plan, engine.root, loc);
}

/** Under the host lock, after the upload: the sent snapshot becomes the next parent (if it made a point), the upload holds go. */
async function afterUpload(engine: EngineContext, loc: Located, target: string, parent: string | null, completed: boolean): Promise<void> {
  // Listed again: snapshot runs created and pruned snapshots while the upload ran.
  const stored = await listStored(engine.plan, engine.root, loc);
  for (const name of [target, ...(parent === null ? [] : [parent])]) {
    if (stored.some((x) => x.meta.name === name && x.meta.holds.includes(UPLOAD_HOLD))) await setHold(engine, name, UPLOAD_HOLD, false);
  }
  if (!completed) return;
  const now = await listStored(engine.plan, engine.root, loc);
  await moveParentHold(engine, now, target);
  if (loc.subvolume.snapshots === null) await dropSupersededBackupSnapshots(loc, now, target);
}

/** Sends `target` (against its parent) into the repository; the window and signals may stop it. */
async function upload(ctx: RunContext, loc: Located, points: SizedPoint[], target: SnapshotView, choice: Extract<SendChoice, { kind: 'full' | 'incremental' }>): Promise<BackupItem> {
  const { opts } = ctx;
  const { engine } = opts;
  const s = loc.subvolume;
  const path = `${loc.dir}/${target.name}`;
  const forecast = await forecastFor({
    bitsPerSecond: ctx.margin.bitsPerSecond, schedule: opts.window?.nights ?? opts.window?.schedule,
    prior: ctx.state?.subvolumes[s.name]?.inProgress ?? null, points, path, nowMs: ctx.clock(),
  });
  if (forecast !== undefined && forecast.estimate.bytes > forecast.forecast.firstNightBytes) engine.log(describeForecast(s.name, forecast));
  const withForecast = forecast === undefined ? {} : { forecast };

  let stopAt = Number.POSITIVE_INFINITY;
  const enforced = opts.window?.enforce === true ? opts.window.schedule : null;
  if (enforced !== null) {
    const decision = uploadDecision(windowState(enforced, ctx.clock()), ctx.clock(), ctx.margin);
    if (!decision.start) return { subvolume: s.name, snapshot: target.name, choice: { kind: 'window-closed', reason: decision.reason }, ...withForecast };
    stopAt = decision.stopAt;
  }

  // The options live in send-options.ts, shared with the benchmark's panther entry.
  const sender = sendStream(path, { ...BACKUP_SEND_OPTIONS, ...(choice.kind === 'incremental' ? { parent: `${loc.dir}/${choice.parentSnapshot}` } : {}) });
  const stop = stopWhen(ctx.clock, stopAt);
  const signal = opts.signal === undefined ? stop.signal : AbortSignal.any([opts.signal, stop.signal]);
  let last: BackupProgress | undefined;
  try {
    const result = await opts.repo.backup(checkedStream(sender.stdout, sender.done, sender.kill), {
      subvolume: s.name,
      snapshot: { name: target.name, uuid: target.uuid, time: target.time },
      parent: choice.kind === 'incremental' ? choice.parentPoint : null,
      extra: { ...BACKUP_SEND_EXTRA, send: choice.kind, sendParent: choice.kind === 'incremental' ? choice.parentSnapshot : null, host: engine.plan.host },
    }, {
      signal,
      // btrfs send's stdout is read by nobody else: its buffers are freed once chunked.
      sourceOwned: true,
      onProgress: (p) => { last = { ...p }; opts.onProgress?.(s.name, p); },
    });
    await notePoint(ctx, { id: result.manifestId, repository: opts.repo.id, subvolume: s.name, snapshot: target.name, time: iso(ctx.clock()) });
    return { subvolume: s.name, snapshot: target.name, choice, point: result.manifestId, progress: result.progress, ...withForecast };
  } catch (error) {
    if ((error as { code?: string }).code !== 'interrupted') throw error;
    // The repository made everything read so far durable; record how far this night got.
    const by = opts.signal?.aborted === true ? 'signal' : 'window';
    const progress = last ?? { bytesRead: 0, chunks: 0, newBytes: 0, newChunks: 0, dedupBytes: 0, storedBytes: 0, packsUploaded: 0 };
    return {
      subvolume: s.name, snapshot: target.name, choice, progress, ...withForecast,
      interrupted: { by, bytesRead: progress.bytesRead, storedBytes: progress.storedBytes },
    };
  } finally {
    stop.dispose();
  }
}

/** When the timers start the next night's run (after tonight's window when it is still open). */
function nextOpening(window: BackupWindowOption, nowMs: number): string {
  const tonight = windowState(window.schedule, nowMs);
  const st = windowState(window.nights ?? window.schedule, tonight.open ? Date.parse(tonight.closesAt) : nowMs);
  return st.open ? st.nextOpensAt : st.opensAt;
}

function runOutcome(report: BackupRunReport): Exclude<RunOutcome, 'running'> {
  if (report.stopped?.by === 'signal') return 'interrupted';
  if (report.items.some((i) => i.error !== undefined)) return 'failed';
  if (report.stopped?.by === 'window') return 'window-closed';
  return 'complete';
}

function runMessage(report: BackupRunReport, outcome: Exclude<RunOutcome, 'running'>): string {
  const stored = formatBytes(report.storedBytes);
  const resumes = report.stopped?.resumesAt === null || report.stopped === null ? '' : ` (window opens ${report.stopped.resumesAt})`;
  const unfinished = report.items.filter((i) => i.interrupted !== undefined || i.choice.kind === 'window-closed').length;
  switch (outcome) {
    case 'window-closed': return `window closed; ${stored} stored; resumes next night${resumes}: ${unfinished} subvolume(s) left`;
    case 'interrupted': return `interrupted; ${stored} stored; the next run continues where this one stopped`;
    case 'failed': return `${report.items.filter((i) => i.error !== undefined).length} subvolume(s) failed; ${stored} stored`;
    case 'complete': return `complete; ${stored} stored`;
  }
}

function itemOutcome(item: BackupItem): ItemRecord['outcome'] {
  if (item.error !== undefined) return 'failed';
  if (item.interrupted !== undefined) return 'interrupted';
  if (item.point !== undefined) return 'complete';
  if (item.choice.kind === 'skip') return 'skipped';
  if (item.choice.kind === 'window-closed' || item.choice.kind === 'not-due') return item.choice.kind;
  return 'planned';
}

function record(ctx: RunContext, item: BackupItem, points?: number): void {
  if (ctx.state === null) return;
  const estimate = item.forecast === undefined ? null : {
    totalBytes: item.forecast.estimate.bytes + (ctx.state.subvolumes[item.subvolume]?.inProgress?.storedBytes ?? 0),
    source: item.forecast.estimate.source, label: item.forecast.estimate.label,
  } satisfies InProgress['estimate'];
  const kind = item.choice.kind === 'full' || item.choice.kind === 'incremental' ? item.choice.kind : undefined;
  ctx.state = recordItem(ctx.state, {
    subvolume: item.subvolume, snapshot: item.snapshot, outcome: itemOutcome(item),
    reason: item.error ?? item.choice.reason,
    ...(kind === undefined ? {} : { kind }),
    ...(item.point === undefined ? {} : { point: item.point }),
    ...(item.progress === undefined ? {} : { streamBytes: item.progress.bytesRead, storedBytes: item.progress.storedBytes }),
    ...(points === undefined ? {} : { points }),
    ...(estimate === null ? {} : { estimate }),
  }, iso(ctx.clock()));
}

async function saveState(ctx: RunContext): Promise<void> {
  if (ctx.state === null || ctx.opts.stateDir === undefined) return;
  try {
    await writeBackupState(ctx.opts.stateDir, ctx.state);
  } catch (error) {
    // The state only feeds `backup status`; a read-only /var/lib must not cost the night's backup.
    ctx.opts.engine.log(`backup state not saved: ${(error as Error).message}`);
  }
}

/** The host's record of completed points, for `backup check` to notice points that vanish later. */
async function notePoint(ctx: RunContext, point: RecordedPointEntry): Promise<void> {
  if (ctx.opts.stateDir === undefined) return;
  try {
    await recordPoint(ctx.opts.stateDir, ctx.opts.repo.host, point, point.time);
  } catch (error) {
    // The point is stored either way; a missing entry only means check cannot vouch for it.
    ctx.opts.engine.log(`record of completed points not updated: ${(error as Error).message}`);
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

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


const STALE_TEMPORARY_MS = 60 * 60_000;

/** Clears a crashed run's temporary files (a local directory's; S3's are the lifecycle rule's). */
async function sweep(repo: RepositoryWriter): Promise<void> {
  await repo.sweepTemporaries(STALE_TEMPORARY_MS);
}
