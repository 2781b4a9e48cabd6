// The collector's edge: reads the snapshot catalog, the backup state and points record, the cost
// ledger, the drill state and each pool's btrfs figures into CollectInputs. Read-only: it never writes a state file,
// and a reading that fails becomes a missing series plus a warning, never a failed collection (one
// broken pool must not blind the monitoring of the others).
import { join } from 'node:path';
import { scrubStatus } from '../../btrfs/scrub.ts';
import { deviceStats } from '../../btrfs/device-stats.ts';
import { filesystemUsage } from '../../btrfs/usage.ts';
import { balanceStatus } from '../../btrfs/balance.ts';
import { filesystemDu } from '../../btrfs/filesystem-du.ts';
import { listAll } from '../../snapshot/store.ts';
import { readBackupStatus } from '../../backup/status.ts';
import { readPointRecord } from '../../backup/point-record.ts';
import { B2_PRICES, estimateCost, readLedger } from '../../cost/index.ts';
import { readDrill } from '../../drill/state.ts';
import type { PoolPlan, StoragePlan } from '../../plan/types.ts';
import type { BackupReading, CollectInputs, PoolReading, SubvolumeSnapshots } from './gauges.ts';

export interface ReadOptions {
  plan: StoragePlan;
  /** Where the plan's mount points are ("/" on the host). */
  root: string;
  stateDir: string;
  now: string;
  /** Walk every snapshot for pantheros.snapshot.size (costly on big trees; docs/DECISIONS.md). */
  snapshotSizes: boolean;
  warn: (line: string) => void;
}

async function attempt<T>(what: string, warn: (line: string) => void, f: () => Promise<T>): Promise<T | null> {
  try {
    return await f();
  } catch (error) {
    warn(`metrics: ${what}: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

/** A mounted directory of the pool to point btrfs at: its first subvolume with a mount point. */
function poolPath(pool: PoolPlan, root: string): string | null {
  const s = pool.subvolumes.find((x) => x.mountPoint !== null);
  return s?.mountPoint == null ? null : (s.mountPoint === '/' ? root : join(root, s.mountPoint));
}

/** "Tue Nov 24 06:32:03 2026" (the host's local time, as btrfs prints it) + duration → ISO, or null. */
export function scrubFinishedAt(startedText: string | null, durationSeconds: number | null, status: string | null): string | null {
  if (startedText === null || durationSeconds === null || status !== 'finished') return null;
  const started = Date.parse(startedText);
  return Number.isNaN(started) ? null : new Date(started + durationSeconds * 1000).toISOString();
}

async function readPool(pool: PoolPlan, root: string, warn: (line: string) => void): Promise<PoolReading> {
  const path = poolPath(pool, root);
  const reading: PoolReading = { device: pool.device, usage: null, balanceRunning: null, deviceErrors: null, scrub: null };
  if (path === null) return reading;
  const usage = await attempt(`usage of pool ${pool.name}`, warn, () => filesystemUsage(path));
  if (usage !== null) reading.usage = { sizeBytes: usage.deviceSize, usedBytes: usage.used };
  const balance = await attempt(`balance status of pool ${pool.name}`, warn, () => balanceStatus(path));
  // A paused balance is unfinished work holding the pool: it counts as running.
  if (balance !== null) reading.balanceRunning = balance !== 'none';
  const stats = await attempt(`device stats of pool ${pool.name}`, warn, () => deviceStats(path));
  if (stats !== null) {
    reading.deviceErrors = stats.map((d) => ({
      device: d.device,
      counters: { write_io: d.writeIoErrs, read_io: d.readIoErrs, flush_io: d.flushIoErrs, corruption: d.corruptionErrs, generation: d.generationErrs },
    }));
  }
  const scrub = await attempt(`scrub status of pool ${pool.name}`, warn, () => scrubStatus(path));
  if (scrub !== null && scrub.hasStats) {
    const errors = Object.values(scrub.errors).reduce((a, b) => a + b, 0);
    reading.scrub = { finishedAt: scrubFinishedAt(scrub.startedText, scrub.durationSeconds, scrub.status), errors };
  }
  return reading;
}

async function readBackup(o: ReadOptions): Promise<BackupReading | null> {
  const host = o.plan.host;
  const status = await attempt('backup state', o.warn, () => readBackupStatus(o.stateDir, host, o.plan, Date.parse(o.now)));
  const record = await attempt('backup points record', o.warn, () => readPointRecord(o.stateDir, host));
  if (status === null && record === null) return null;
  const newest = new Map<string, number>();
  const see = (subvolume: string, at: string | null | undefined): void => {
    if (at == null) return;
    newest.set(subvolume, Math.max(newest.get(subvolume) ?? -Infinity, Date.parse(at)));
  };
  for (const s of status?.subvolumes ?? []) { newest.set(s.name, newest.get(s.name) ?? -Infinity); see(s.name, s.lastComplete?.at); }
  for (const p of record?.points ?? []) see(p.subvolume, p.time);
  return {
    lastComplete: [...newest].map(([subvolume, ms]) => ({ subvolume, at: Number.isFinite(ms) ? new Date(ms).toISOString() : null })),
    backlogBytes: status?.forecast?.remainingBytes ?? 0,
    nightsNeeded: status === null || status.bandwidthBitsPerSecond === null ? null : (status.forecast?.nights ?? 0),
  };
}

export async function readInputs(o: ReadOptions): Promise<CollectInputs> {
  const plan = o.plan;
  const stored = (await attempt('snapshot catalog', o.warn, () => listAll(plan, o.root, o.warn))) ?? [];
  const subvolumes: SubvolumeSnapshots[] = plan.pools.flatMap((p) => p.subvolumes).filter((s) => s.snapshots !== null).map((s) => ({
    subvolume: s.name,
    critical: s.critical,
    policy: { tiers: s.snapshots!, timezone: plan.snapshots.timezone },
    snapshots: stored.filter((x) => x.meta.subvolume === s.name).map((x) => ({
      id: x.meta.name, time: x.meta.time, origin: x.meta.origin, pinned: x.meta.pinned, holds: x.meta.holds,
    })),
  }));
  const pools: PoolReading[] = [];
  for (const pool of plan.pools) pools.push(await readPool(pool, o.root, o.warn));
  const costUsd = await attempt('cost ledger', o.warn, async () => {
    const ledger = await readLedger(o.stateDir, plan.host);
    return estimateCost({ ledger, prices: B2_PRICES, now: o.now, budgetUsd: null, policy: 'report', tiers: null, profile: null }).thisMonth.totalUsd;
  });
  let snapshotSizes: CollectInputs['snapshotSizes'] = null;
  if (o.snapshotSizes) {
    snapshotSizes = [];
    for (const s of subvolumes) {
      const paths = stored.filter((x) => x.meta.subvolume === s.subvolume).map((x) => x.path);
      const du = await attempt(`snapshot sizes of ${s.subvolume}`, o.warn, () => filesystemDu(paths));
      if (du !== null) snapshotSizes.push({ subvolume: s.subvolume, bytes: du.reduce((a, d) => a + d.exclusiveBytes, 0) });
    }
  }
  const drill = await attempt('drill state', o.warn, () => readDrill(o.stateDir, plan.host, o.now));
  return { host: plan.host, subvolumes, pools, costUsd, backup: await readBackup(o), snapshotSizes, drill };
}
