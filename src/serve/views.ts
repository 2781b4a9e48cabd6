// What the read endpoints answer, read from the host's own state: the snapshot catalog, the backup
// state and points record, the cost ledger and the drill state. Never the repository (listing B2
// costs money). A state file that cannot be read becomes a warning in /status, never a failed answer.
import { existsSync } from 'node:fs';
import type { z } from 'zod';
import { listAll } from '../snapshot/store.ts';
import { readBackupStatus, type BackupStatus } from '../backup/status.ts';
import { readPointRecord } from '../backup/point-record.ts';
import { B2_PRICES, estimateCost, readLedger } from '../cost/index.ts';
import { costBasis } from '../cost/host-basis.ts';
import { readDrill } from '../drill/state.ts';
import type { StoragePlan, SubvolumePlan } from '../plan/types.ts';
import type { DrillState } from '../drill/types.ts';
import { History, historyPath, type Point } from '../history/store.ts';
import { historyPlots, PLOTTED, type PlottedMetric } from './history-plots.ts';
import type { backupsBody, historyBody, snapshotsBody, statusBody } from './schemas.ts';
import type { DoctorSummary } from './doctor.ts';

export interface ReadContext {
  plan: StoragePlan;
  root: string;
  stateDir: string;
  now: string;
  log: (line: string) => void;
  doctor: () => Promise<DoctorSummary>;
}

/** The plan's subvolumes that have snapshots or backups (what the host promises to keep safe). */
function kept(plan: StoragePlan): SubvolumePlan[] {
  return plan.pools.flatMap((p) => p.subvolumes)
    .filter((s) => s.mountPoint !== null && s.workload !== 'snapshots' && s.workload !== 'swap' && (s.snapshots !== null || s.backup !== 'never'));
}

export async function snapshotsView(c: ReadContext): Promise<z.input<typeof snapshotsBody>> {
  const all = await listAll(c.plan, c.root, c.log);
  return {
    subvolumes: kept(c.plan).map((s) => ({
      subvolume: s.name,
      tiers: s.snapshots === null ? null : { ...s.snapshots },
      snapshots: all.filter((x) => x.meta.subvolume === s.name).map((x) => ({ ...x.meta, rebuilt: x.rebuilt })),
    })),
  };
}

async function attempt<T>(what: string, warnings: string[], f: () => Promise<T>): Promise<T | null> {
  try {
    return await f();
  } catch (error) {
    warnings.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

const minutesSince = (at: string | null, nowMs: number): number | null => (at === null ? null : Math.max(0, Math.round((nowMs - Date.parse(at)) / 60_000)));

function newest(times: readonly string[]): string | null {
  return times.reduce<string | null>((a, t) => (a === null || Date.parse(t) > Date.parse(a) ? t : a), null);
}

export async function statusView(c: ReadContext): Promise<z.input<typeof statusBody>> {
  const warnings: string[] = [];
  const nowMs = Date.parse(c.now);
  const rpo = c.plan.objectives.rpoMinutes;
  const host = c.plan.host;
  const snapshots = (await attempt('snapshot catalog', warnings, () => listAll(c.plan, c.root, (l) => warnings.push(l)))) ?? [];
  const backup = await attempt('backup state', warnings, () => readBackupStatus(c.stateDir, host, c.plan, nowMs));
  const points = await attempt('backup points record', warnings, () => readPointRecord(c.stateDir, host));
  const drill = await attempt('drill state', warnings, () => readDrill(c.stateDir, host, c.now));
  const cost = await attempt('cost', warnings, async () => {
    const basis = costBasis(host, c.plan, [], undefined);
    const e = estimateCost({ ledger: await readLedger(c.stateDir, host), prices: B2_PRICES, now: c.now, budgetUsd: basis.budgetUsd, policy: 'report', tiers: basis.tiers, profile: basis.profile });
    return { month: e.thisMonth.month, estimateUsd: e.thisMonth.totalUsd, monthToDateUsd: e.monthToDate.totalUsd, budget: e.thisMonth.budget };
  });
  const doctor = await attempt('doctor', warnings, () => c.doctor());
  const subvolumes = kept(c.plan).map((s) => {
    const snapAt = newest(snapshots.filter((x) => x.meta.subvolume === s.name).map((x) => x.meta.time));
    const backupAt = newest([
      ...(backup?.subvolumes.filter((b) => b.name === s.name).flatMap((b) => (b.lastComplete === null ? [] : [b.lastComplete.at])) ?? []),
      ...(points?.points.filter((p) => p.subvolume === s.name).map((p) => p.time) ?? []),
    ]);
    const snapAge = minutesSince(snapAt, nowMs);
    return {
      subvolume: s.name,
      critical: s.critical,
      planned: { snapshots: s.snapshots !== null, backup: s.backup !== 'never' },
      // The RPO is promised for critical subvolumes' snapshots (plan lint checks their tiers against it).
      snapshot: { at: snapAt, ageMinutes: snapAge, overRpo: s.critical ? (snapAge === null || snapAge > rpo) : null },
      backup: { at: backupAt, ageMinutes: minutesSince(backupAt, nowMs), overRpo: null },
      drill: { at: drill?.lastRestoredAt[s.name] ?? null },
    };
  });
  return {
    host, now: c.now, rpoMinutes: rpo, subvolumes,
    backup: backup === null ? null : backupSummary(backup),
    cost,
    drill: drill === null ? null : drillSummary(drill),
    doctor,
    warnings,
  };
}

function backupSummary(b: BackupStatus): NonNullable<z.input<typeof statusBody>['backup']> {
  return {
    backlogBytes: b.forecast?.remainingBytes ?? 0,
    nightsNeeded: b.bandwidthBitsPerSecond === null ? null : (b.forecast?.nights ?? 0),
    lastRun: b.lastRun,
  };
}

function drillSummary(d: DrillState): NonNullable<z.input<typeof statusBody>['drill']> {
  return {
    running: d.running === null ? null : { level: d.running.level, since: d.running.since },
    last: Object.values(d.last).map((r) => ({ level: r.level, outcome: r.outcome, finishedAt: r.finishedAt, reason: r.reason?.message ?? null })),
  };
}

export async function backupsView(c: ReadContext): Promise<z.input<typeof backupsBody>> {
  const nowMs = Date.parse(c.now);
  const status = await readBackupStatus(c.stateDir, c.plan.host, c.plan, nowMs);
  const record = await readPointRecord(c.stateDir, c.plan.host);
  const names = new Set([...status.subvolumes.map((s) => s.name), ...(record?.points.map((p) => p.subvolume) ?? [])]);
  return {
    host: c.plan.host,
    subvolumes: [...names].sort().map((name) => {
      const s = status.subvolumes.find((x) => x.name === name);
      return {
        subvolume: name,
        points: (record?.points ?? []).filter((p) => p.subvolume === name).map((p) => ({ id: p.id, repository: p.repository, snapshot: p.snapshot, time: p.time })),
        lastComplete: s?.lastComplete ?? null,
        inProgress: s?.inProgress == null ? null : {
          snapshot: s.inProgress.snapshot, since: s.inProgress.since, storedBytes: s.inProgress.storedBytes,
          remainingBytes: s.forecast?.remainingBytes ?? null, nights: s.forecast?.nights ?? null,
        },
      };
    }),
    lastRun: status.lastRun,
    check: null,
  };
}

export async function drillsView(c: ReadContext): Promise<{ state: DrillState }> {
  return { state: await readDrill(c.stateDir, c.plan.host, c.now) };
}

/**
 * The dashboard's plots over the last `days` days. The history is opened per request, as the sampler
 * does (SQLite's WAL lets it read while a run or the sampler writes); without a history file yet the
 * plots are empty, and no state directory is created just to read.
 */
export async function historyView(c: ReadContext, days: number): Promise<z.input<typeof historyBody>> {
  const nowMs = Date.parse(c.now);
  const sinceMs = nowMs - days * 86_400_000;
  const path = historyPath(c.stateDir, c.plan.host);
  const points: Partial<Record<PlottedMetric, Point[]>> = {};
  if (existsSync(path)) {
    const history = History.open(path);
    try {
      for (const name of PLOTTED) points[name] = history.series(name, sinceMs);
    } finally {
      history.close();
    }
  }
  const budgetUsd = costBasis(c.plan.host, c.plan, [], undefined).budgetUsd;
  return { host: c.plan.host, now: c.now, since: new Date(sinceMs).toISOString(), plots: historyPlots({ nowMs, days, budgetUsd, points }) };
}
