// The collector's gauges as a pure function of what was read (the snapshot catalog, the backup state,
// the cost forecast, btrfs readings, the drill state) and the time: every series of a catalog metric whose source is
// 'collector'. The edges (read.ts) fill CollectInputs; nothing here touches a file or a process.
import type { MetricName } from '../catalog.ts';
import { decideRetention } from '../../snapshot/retention/index.ts';
import type { RetentionPolicy, SnapshotOrigin } from '../../snapshot/types.ts';
import type { Tier } from '../../plan/types.ts';
import type { DrillState } from '../../drill/types.ts';

export interface Gauge {
  name: MetricName;
  tags: Record<string, string>;
  value: number;
}

export interface SnapshotEntry {
  id: string;
  /** ISO-8601 UTC. */
  time: string;
  origin: SnapshotOrigin;
  pinned: boolean;
  holds: string[];
}

export interface SubvolumeSnapshots {
  subvolume: string;
  /** Its tiers and zone; null when the subvolume has no snapshot tiers. */
  policy: RetentionPolicy | null;
  snapshots: SnapshotEntry[];
  /** The plan marks it critical: the RPO applies to it (pantheros.snapshot.rpo_age). */
  critical?: boolean;
}

/** What was read about one pool; a null field is a reading that failed or was not taken (no series). */
export interface PoolReading {
  /** The pool's device, the `device` tag. */
  device: string;
  usage: { sizeBytes: number; usedBytes: number } | null;
  balanceRunning: boolean | null;
  deviceErrors: Array<{ device: string; counters: Record<DeviceErrorType, number> }> | null;
  /** null: never scrubbed (no age), or not read. */
  scrub: { finishedAt: string | null; errors: number } | null;
}

export const DEVICE_ERROR_TYPES = ['write_io', 'read_io', 'flush_io', 'corruption', 'generation'] as const;
export type DeviceErrorType = (typeof DEVICE_ERROR_TYPES)[number];

export interface BackupReading {
  /** Per backed-up subvolume, when its newest complete point was stored (null: none yet). */
  lastComplete: Array<{ subvolume: string; at: string | null }>;
  /** Bytes still to upload for every unfinished upload; 0 when nothing is unfinished. */
  backlogBytes: number;
  /** Nights the backlog needs at the cap; null when unknown (no plan: no window, no cap). */
  nightsNeeded: number | null;
}

export interface CollectInputs {
  host: string;
  subvolumes: SubvolumeSnapshots[];
  pools: PoolReading[];
  /** This month's forecast B2 cost, USD; null when there is no ledger to forecast from. */
  costUsd: number | null;
  backup: BackupReading | null;
  /** Exclusive bytes of each subvolume's snapshots; null when snapshot sizes are off. */
  snapshotSizes: Array<{ subvolume: string; bytes: number }> | null;
  /**
   * The drill state as readers see it (src/drill/state.ts effectiveState: a drill whose process is
   * gone is already an interrupted result here); null or absent when it could not be read.
   */
  drill?: DrillState | null;
}

export const SNAPSHOT_COUNT_TYPES = ['frequent', 'hourly', 'daily', 'weekly', 'monthly', 'yearly', 'manual'] as const;

const HOUR_MS = 3_600_000;

function hoursBetween(fromIso: string, nowMs: number): number {
  return Math.max(0, (nowMs - Date.parse(fromIso)) / HOUR_MS);
}

/**
 * Per tier, the snapshots retention keeps for that tier (a snapshot that is the last of its day and of
 * its week counts in both, as the retention counts do); manual and wrap snapshots count as "manual";
 * the backup engine's own snapshots are not the user's restore points and are not counted.
 */
export function snapshotCounts(subvolumes: readonly SubvolumeSnapshots[], now: string): Record<(typeof SNAPSHOT_COUNT_TYPES)[number], number> {
  const counts = Object.fromEntries(SNAPSHOT_COUNT_TYPES.map((t) => [t, 0])) as Record<(typeof SNAPSHOT_COUNT_TYPES)[number], number>;
  for (const s of subvolumes) {
    counts.manual += s.snapshots.filter((x) => x.origin === 'manual' || x.origin === 'wrap-pre' || x.origin === 'wrap-post').length;
    const timeline = s.snapshots.filter((x) => x.origin === 'timeline');
    if (s.policy === null || timeline.length === 0) continue;
    const verdicts = decideRetention(timeline.map((x) => ({ id: x.id, time: x.time, pinned: x.pinned, holds: x.holds })), s.policy, now);
    for (const v of verdicts) {
      for (const tier of new Set<Tier>(v.periods.map((p) => p.tier))) counts[tier] += 1;
    }
  }
  return counts;
}

/** Every collector gauge of the host at `now` (ISO-8601). */
export function gauges(inputs: CollectInputs, now: string): Gauge[] {
  const nowMs = Date.parse(now);
  const host = inputs.host;
  const out: Gauge[] = [];
  const push = (name: MetricName, tags: Record<string, string>, value: number): void => {
    if (Number.isFinite(value)) out.push({ name, tags: { host, ...tags }, value });
  };

  // A subvolume that has never been snapshotted has no age; `snapshot.failed` is what reports it.
  const newest = inputs.subvolumes.flatMap((s) => s.snapshots.length === 0 ? [] : [Math.max(...s.snapshots.map((x) => Date.parse(x.time)))]);
  if (newest.length > 0) push('pantheros.snapshot.age', {}, Math.max(0, (nowMs - Math.min(...newest)) / HOUR_MS));
  const newestCritical = inputs.subvolumes.filter((s) => s.critical === true && s.snapshots.length > 0)
    .map((s) => Math.max(...s.snapshots.map((x) => Date.parse(x.time))));
  if (newestCritical.length > 0) push('pantheros.snapshot.rpo_age', {}, Math.max(0, (nowMs - Math.min(...newestCritical)) / HOUR_MS));
  for (const [type, n] of Object.entries(snapshotCounts(inputs.subvolumes, now))) push('pantheros.snapshot.count', { type }, n);

  if (inputs.costUsd !== null) push('pantheros.backup.b2.cost', {}, inputs.costUsd);

  for (const p of inputs.pools) {
    // The share first: 100 × bytes passes 2^53 on a 90 TB pool, and a full pool would read 100.00000000000001 %.
    if (p.usage !== null && p.usage.sizeBytes > 0) push('pantheros.disk.usage', { device: p.device }, 100 * (p.usage.usedBytes / p.usage.sizeBytes));
    if (p.balanceRunning !== null) push('pantheros.btrfs.balance', { device: p.device }, p.balanceRunning ? 1 : 0);
    for (const d of p.deviceErrors ?? []) {
      for (const type of DEVICE_ERROR_TYPES) push('pantheros.btrfs.device_errors', { device: d.device, type }, d.counters[type]);
    }
    if (p.scrub !== null) {
      if (p.scrub.finishedAt !== null) push('pantheros.btrfs.scrub.age', { device: p.device }, hoursBetween(p.scrub.finishedAt, nowMs));
      push('pantheros.btrfs.scrub.errors', { device: p.device }, p.scrub.errors);
    }
  }

  for (const s of inputs.snapshotSizes ?? []) push('pantheros.snapshot.size', { subvol: s.subvolume }, s.bytes);

  const b = inputs.backup;
  if (b !== null) {
    const done = b.lastComplete.flatMap((x) => (x.at === null ? [] : [Date.parse(x.at)]));
    if (done.length > 0) push('pantheros.backup.age', {}, Math.max(0, (nowMs - Math.min(...done)) / HOUR_MS));
    push('pantheros.backup.backlog', {}, b.backlogBytes);
    if (b.nightsNeeded !== null) push('pantheros.backup.nights_needed', {}, b.nightsNeeded);
  }

  if (inputs.drill != null) out.push(...drillGauges(inputs.drill, nowMs).map((g) => ({ ...g, tags: { host, ...g.tags } })));
  return out;
}

/**
 * The drill gauges of one state: per level its last outcome, time since it last passed, duration and
 * download; per subvolume of a level's last drill its restore rate, implied and objective RTO and the
 * databases' time to answer. A running drill changes nothing until it ends (its last result stands).
 */
export function drillGauges(state: DrillState, nowMs: number): Gauge[] {
  const out: Gauge[] = [];
  const push = (name: MetricName, tags: Record<string, string>, value: number): void => {
    if (Number.isFinite(value)) out.push({ name, tags, value });
  };
  for (const level of ['integrity', 'restore', 'disaster'] as const) {
    const last = state.last[level];
    const passedAt = state.lastPassedAt[level];
    if (passedAt !== undefined) push('pantheros.drill.since_pass', { level }, Math.max(0, (nowMs - Date.parse(passedAt)) / 1000));
    if (last === undefined) continue;
    push('pantheros.drill.passed', { level }, last.outcome === 'passed' ? 1 : 0);
    push('pantheros.drill.duration', { level }, Math.max(0, (Date.parse(last.finishedAt) - Date.parse(last.startedAt)) / 1000));
    push('pantheros.drill.downloaded', { level }, last.download.bytes);
    for (const s of last.subvolumes) {
      const tags = { level, subvol: s.subvolume };
      if (s.restoreMs > 0) push('pantheros.drill.restore_rate', tags, s.restoredBytes / (s.restoreMs / 1000));
      push('pantheros.drill.rto_implied', tags, s.rto.impliedMinutes);
      if (s.rto.objectiveMinutes !== null) push('pantheros.drill.rto_objective', tags, s.rto.objectiveMinutes);
      if (s.rto.met !== null) push('pantheros.drill.rto_met', tags, s.rto.met ? 1 : 0);
      // One series per kind: a subvolume with two servers of a kind reports the slower one.
      const answered = new Map<string, number>();
      for (const d of s.databases) {
        if (d.answeredAfterMs !== null) answered.set(d.kind, Math.max(answered.get(d.kind) ?? 0, d.answeredAfterMs / 1000));
      }
      for (const [database, seconds] of answered) push('pantheros.drill.database_answered', { ...tags, database }, seconds);
    }
  }
  return out;
}
