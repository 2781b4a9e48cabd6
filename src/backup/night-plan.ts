// What tonight's `backup run` will do, per subvolume, decided from data alone: the plan's subvolumes,
// their snapshots on disk, the repository's points, the window and the clock in; per subvolume
// not due / skip / full / incremental against X / window closed out, each with its reason and the
// forecast of the upload. Pure. `backup run --dry-run` prints this plan; the real run executes it,
// deciding again under the host lock with the same functions (snapshot runs go on meanwhile), so the
// two agree unless the snapshots changed in between.
import type { BackupFrequency } from '../plan/types.ts';
import { periodKey } from '../snapshot/retention/index.ts';
import { DEFAULT_MAX_CHAIN, selectSend, type SendChoice, type SnapshotView } from './chain.ts';
import { snapshotToBackUp } from './due.ts';
import { estimateUpload, forecastUpload, type Forecast, type UploadEstimate } from './forecast.ts';
import type { SizedPoint } from './forecast-upload.ts';
import type { InProgress } from './window-progress.ts';
import { uploadDecision, type StopMarginInput, type UploadDecision } from './window.ts';
import { windowState, type WindowSchedule, type WindowState } from '../plan/backup-window.ts';

/** One subvolume as the read step found it. */
export interface SubvolumeReading {
  name: string;
  frequency: BackupFrequency;
  /** No snapshot tiers: the backup takes its own snapshot (at `now`) when a point is due. */
  ownSnapshot: boolean;
  /** Its snapshots on disk (those with a uuid). */
  snapshots: readonly SnapshotView[];
  /** Used space of its pool (statfs): the estimate of a first upload; null when not read. */
  poolUsedBytes: number | null;
  /** Its unfinished upload from earlier nights (backup state). */
  prior: InProgress | null;
}

export interface NightPlanInput {
  /** The run's time: which snapshot and backup periods are current. ISO. */
  now: string;
  /** The clock the window is read at (ms). */
  nowMs: number;
  timezone: string | null;
  maxChain?: number;
  subvolumes: readonly SubvolumeReading[];
  /** The host's points; null when the repository was not read (a closed window lists nothing). */
  points: readonly SizedPoint[] | null;
  /** The window when it is enforced; null: upload at any time. */
  window: WindowSchedule | null;
  /** What the stop margin depends on (pack size, chunk size, cap). */
  margin: StopMarginInput;
  /** The nights forecasts run over (the plan's windows); null: no forecast. */
  nights: WindowSchedule | null;
}

/** The send a closed window puts off, or what would be due: shown by a dry run. */
export type Deferred = SendChoice | { kind: 'not-due'; reason: string };

export type ItemChoice = SendChoice
  | { kind: 'not-due'; reason: string }
  | { kind: 'window-closed'; reason: string; deferred?: Deferred };

export interface UploadForecast { estimate: UploadEstimate; forecast: Forecast }

export interface PlannedItem {
  subvolume: string;
  /** The snapshot to send; null when none is (not due, window closed) or the backup takes it first. */
  snapshot: string | null;
  /** The backup takes this subvolume's snapshot itself before sending it (no snapshot tiers). */
  takesSnapshot: boolean;
  choice: ItemChoice;
  /** For a send, when a cap and nights are known: its size and the nights it needs. */
  forecast?: UploadForecast;
}

export interface NightPlan {
  now: string;
  /** The window when the plan was made; null when none is enforced. */
  window: WindowState | null;
  /** Whether an upload may start now (null: no window). */
  start: UploadDecision | null;
  items: PlannedItem[];
}

/** What is due for one subvolume: nothing, a snapshot to take first, or a snapshot on disk to send. */
export type Due = { kind: 'not-due'; reason: string } | { kind: 'take' } | { kind: 'send'; target: SnapshotView };

export function dueTarget(s: Pick<SubvolumeReading, 'frequency' | 'ownSnapshot' | 'snapshots'>, points: readonly SizedPoint[], now: string, timezone: string | null): Due {
  if (s.ownSnapshot) {
    const tier = tierOf(s.frequency);
    const current = periodKey(tier, now, timezone, 60);
    if (points.some((p) => periodKey(tier, p.time, timezone, 60) === current)) return { kind: 'not-due', reason: `a ${s.frequency} backup point exists for this period` };
    return { kind: 'take' };
  }
  const target = snapshotToBackUp(s.frequency, s.snapshots, points, now, timezone);
  return target === null ? { kind: 'not-due', reason: `no new snapshot due for a ${s.frequency} backup` } : { kind: 'send', target };
}

/** The snapshot a backup takes itself, as the chain sees it before it exists: newer than every point. */
const toBeTaken = (now: string): SnapshotView => ({ name: '(new snapshot)', uuid: '', time: now });

/** Per subvolume, what is due and how it would be sent, the window aside. */
export function decide(s: SubvolumeReading, points: readonly SizedPoint[], now: string, timezone: string | null, maxChain = DEFAULT_MAX_CHAIN): { snapshot: string | null; choice: Deferred } {
  const mine = points.filter((p) => p.subvolume === s.name);
  const due = dueTarget(s, mine, now, timezone);
  if (due.kind === 'not-due') return { snapshot: null, choice: due };
  const target = due.kind === 'take' ? toBeTaken(now) : due.target;
  return { snapshot: due.kind === 'take' ? null : target.name, choice: selectSend(target, s.name, s.snapshots, mine, maxChain) };
}

export function planNight(input: NightPlanInput): NightPlan {
  const window = input.window === null ? null : windowState(input.window, input.nowMs);
  const start = window === null ? null : uploadDecision(window, input.nowMs, input.margin);
  const items = input.subvolumes.map((s): PlannedItem => {
    const decided = input.points === null ? null : decide(s, input.points, input.now, input.timezone, input.maxChain);
    if (start !== null && !start.start) {
      const choice: ItemChoice = { kind: 'window-closed', reason: start.reason, ...(decided === null ? {} : { deferred: decided.choice }) };
      return { subvolume: s.name, snapshot: null, takesSnapshot: false, choice };
    }
    if (decided === null) throw new Error(`planNight: no points read for ${s.name} with the window open`);
    const { choice } = decided;
    const sends = choice.kind === 'full' || choice.kind === 'incremental';
    const takesSnapshot = sends && decided.snapshot === null;
    const forecast = sends ? forecastOf(s, input) : undefined;
    return { subvolume: s.name, snapshot: decided.snapshot, takesSnapshot, choice, ...(forecast === undefined ? {} : { forecast }) };
  });
  return { now: input.now, window, start, items };
}

/** As `backup run` forecasts an upload (forecast-upload.ts), from the data read. */
function forecastOf(s: SubvolumeReading, input: NightPlanInput): UploadForecast | undefined {
  const bps = input.margin.bitsPerSecond;
  const schedule = input.nights ?? input.window;
  if (bps === null || schedule === null) return undefined;
  const points = (input.points ?? []).filter((p) => p.subvolume === s.name);
  const recent = [...points].sort((a, b) => Date.parse(b.time) - Date.parse(a.time)).map((p) => p.storedBytes);
  const estimate = estimateUpload({
    hasPoints: points.length > 0, recentStoredBytes: recent, storedSoFar: s.prior?.storedBytes ?? 0,
    previousTotal: s.prior?.estimate?.totalBytes ?? null, poolUsedBytes: points.length > 0 ? null : s.poolUsedBytes,
  });
  if (estimate === null) return undefined;
  return { estimate, forecast: forecastUpload(estimate.bytes, schedule, bps, input.nowMs) };
}

/** "full of S" / "incremental of S against P": how a decision reads in a note that it changed. */
export function describeChoice(choice: ItemChoice | Deferred, snapshot: string | null): string {
  const of = snapshot === null ? '' : ` of ${snapshot}`;
  return choice.kind === 'incremental' ? `incremental${of} against ${choice.parentSnapshot}` : `${choice.kind}${of}`;
}

/** The same decision: same kind, same parent (a changed parent changes what the restore chain reads). */
export function sameDecision(a: ItemChoice, b: ItemChoice): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'incremental' && b.kind === 'incremental') return a.parentPoint === b.parentPoint;
  return true;
}

export function tierOf(frequency: BackupFrequency): 'daily' | 'weekly' | 'monthly' {
  return frequency === 'weekly' ? 'weekly' : frequency === 'monthly' ? 'monthly' : 'daily';
}
