// The alert rules of a fleet, as data: one model that the Prometheus rules, the Datadog monitors, the
// promtool unit tests and docs/ALERTS.md are all rendered from. Thresholds come from each host's plan
// (RPO, backup window, budget, retention counts); the specification's fixed ones are constants here.
import { backupWindows } from '../plan/backup-window.ts';
import { TIERS, type StoragePlan, type Tier } from '../plan/types.ts';
import { metric, type MetricName } from '../metrics/catalog.ts';

export type AlertSeverity = 'critical' | 'warning';

/**
 * rise: the value went up within the window (a counter, or a gauge counting errors), including a
 * series that appears with a value above 0; above / below: strictly beyond the threshold.
 */
export type Condition =
  | { kind: 'rise'; windowMinutes: number }
  | { kind: 'above'; threshold: number }
  | { kind: 'below'; threshold: number };

export interface AlertRule {
  /** Stable id: the docs/ALERTS.md anchor and the runbook link ("snapshot-failed"). */
  id: string;
  /** Prometheus alertname / Datadog monitor name stem ("PantherSnapshotFailed"). */
  alert: string;
  host: string;
  severity: AlertSeverity;
  metric: MetricName;
  /** Extra tag matchers (tag → value). */
  match: Readonly<Record<string, string>>;
  condition: Condition;
  /** How long the condition must hold before the alert fires (0 = at once). */
  forMinutes: number;
  summary: string;
  /** What to do. */
  runbook: string;
  /** One of the specification's "Alerting Rules" (else: what our engine adds). */
  spec: boolean;
}

// ---- the specification's fixed thresholds -------------------------------------------------------
export const DISK_USAGE_PERCENT = 85;
export const DISK_USAGE_FOR_MINUTES = 120;
export const BACKUP_AGE_HOURS = 36;
export const SNAPSHOT_AGE_HOURS = 24;
export const BUDGET_SHARE = 0.9;
/** How long a counter's rise keeps its alert firing (and the window a failure is looked for in). */
export const RISE_WINDOW_MINUTES = 60;
/** A scrub is monthly (the NixOS module's timer); 35 days leaves a few days of slack. */
export const SCRUB_AGE_HOURS = 35 * 24;
/** A snapshot this late past the RPO is a missed objective, not timer jitter. */
export const RPO_GRACE_MINUTES = 5;
/**
 * A drill level is overdue with no pass for about twice its period: integrity is weekly (14 d),
 * restore monthly (62 d), disaster quarterly (184 d). One missed run (the machine was off, a failure
 * fixed the week after) is not yet an alert; two are.
 */
export const DRILL_OVERDUE_DAYS = { integrity: 14, restore: 62, disaster: 184 } as const;

/** Snapshots above the retention count are normal between a create and the prune after it. */
export const RETENTION_ABOVE_FOR_MINUTES = 60;

/** Minutes one snapshot of a tier covers (how often the tier fires). */
export function tierPeriodMinutes(plan: StoragePlan, tier: Tier): number {
  switch (tier) {
    case 'frequent': return plan.pools.flatMap((p) => p.subvolumes).find((s) => s.snapshots?.frequentMinutes)?.snapshots?.frequentMinutes ?? 60;
    case 'hourly': return 60;
    case 'daily': return 1440;
    case 'weekly': return 7 * 1440;
    case 'monthly': return 31 * 1440;
    case 'yearly': return 366 * 1440;
  }
}

/** Below-count alerts need the tier to have filled once; only tiers that fill within a week get one. */
export const BELOW_COUNT_MAX_FOR_MINUTES = 7 * 1440;

export interface RetentionExpectation {
  tier: Tier;
  /** Sum of the tier's keep count over the snapshotted subvolumes: what pantheros.snapshot.count{type} settles at. */
  expected: number;
  /** Subvolumes with the tier: each may hold one snapshot over its count between create and prune. */
  subvolumes: number;
  /** The largest keep count of one subvolume: the tier is full once that many periods have passed. */
  maxKeep: number;
}

export function retentionExpectations(plan: StoragePlan): RetentionExpectation[] {
  const subvols = plan.pools.flatMap((p) => p.subvolumes).filter((s) => s.snapshots !== null);
  return TIERS.flatMap((tier) => {
    const having = subvols.filter((s) => s.snapshots![tier] > 0);
    if (having.length === 0) return [];
    return [{ tier, expected: having.reduce((n, s) => n + s.snapshots![tier], 0), subvolumes: having.length, maxKeep: Math.max(...having.map((s) => s.snapshots![tier])) }];
  });
}

/** Hours, rounded so a threshold prints as written (0.9 × 3 is 2.7, not 2.7000000000000002). */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function backsUp(plan: StoragePlan): boolean {
  return plan.pools.some((p) => p.subvolumes.some((s) => s.backup !== 'never'));
}

function hasDatabaseHooks(plan: StoragePlan): boolean {
  return plan.pools.some((p) => p.subvolumes.some((s) => (s.hooks?.length ?? 0) > 0 || s.workload === 'database'));
}

/** Every rule for one host, from its plan. */
export function hostRules(plan: StoragePlan): AlertRule[] {
  const host = plan.host;
  const rules: AlertRule[] = [];
  const add = (r: Omit<AlertRule, 'host' | 'match'> & { match?: Record<string, string> }): void => {
    rules.push({ ...r, host, match: r.match ?? {} });
  };
  const rise = { kind: 'rise', windowMinutes: RISE_WINDOW_MINUTES } as const;

  // ---- the specification's critical alerts ------------------------------------------------------
  add({
    id: 'snapshot-failed', alert: 'PantherSnapshotFailed', severity: 'critical', metric: 'pantheros.snapshot.failed', condition: rise, forMinutes: 0, spec: true,
    summary: `a snapshot failed on ${host}`,
    runbook: `journalctl -u 'panther-snapshot*' on ${host}; fix the cause (full pool, failing hook, lock), then panther snapshot run`,
  });
  if (hasDatabaseHooks(plan)) {
    add({
      id: 'database-snapshot-failed', alert: 'PantherDatabaseSnapshotFailed', severity: 'critical', metric: 'pantheros.snapshot.hook_failed', condition: rise, forMinutes: 0, spec: true,
      summary: `a database hook failed on ${host}: a database subvolume has no consistent snapshot`,
      runbook: 'the alert\'s subvol and hook labels name it; check the database is up and the hook\'s credentials, then panther snapshot create on that subvolume',
    });
  }
  if (backsUp(plan)) {
    add({
      id: 'backup-failed', alert: 'PantherBackupFailed', severity: 'critical', metric: 'pantheros.backup.failed', condition: rise, forMinutes: 0, spec: true,
      summary: `an offsite backup failed on ${host}`,
      runbook: `journalctl -u panther-backup on ${host}; panther backup status; fix credentials/network/repository, then panther backup run`,
    });
  }
  add({
    id: 'disk-usage-high', alert: 'PantherDiskUsageHigh', severity: 'critical', metric: 'pantheros.disk.usage',
    condition: { kind: 'above', threshold: DISK_USAGE_PERCENT }, forMinutes: DISK_USAGE_FOR_MINUTES, spec: true,
    summary: `a btrfs pool on ${host} is over ${DISK_USAGE_PERCENT} % full for 2 h`,
    runbook: 'btrfs filesystem usage on the pool; prune snapshots (panther snapshot prune), clear caches, or grow the disk',
  });
  if (backsUp(plan)) {
    add({
      id: 'backup-too-old', alert: 'PantherBackupTooOld', severity: 'critical', metric: 'pantheros.backup.age',
      condition: { kind: 'above', threshold: BACKUP_AGE_HOURS }, forMinutes: 0, spec: true,
      summary: `the last successful offsite backup of ${host} is over ${BACKUP_AGE_HOURS} h old`,
      runbook: 'panther backup status: is the timer running, is the window long enough (nights needed), did runs fail? Run panther backup run',
    });
  }

  // ---- the specification's warnings -------------------------------------------------------------
  add({
    id: 'snapshot-stale', alert: 'PantherSnapshotStale', severity: 'warning', metric: 'pantheros.snapshot.age',
    condition: { kind: 'above', threshold: SNAPSHOT_AGE_HOURS }, forMinutes: 0, spec: true,
    summary: `a snapshotted subvolume of ${host} has no snapshot newer than ${SNAPSHOT_AGE_HOURS} h`,
    runbook: 'systemctl list-timers \'panther-snapshot*\'; panther snapshot list; a stopped timer or a failing subvolume',
  });
  const rpoHours = round(plan.objectives.rpoMinutes / 60);
  if (rpoHours < SNAPSHOT_AGE_HOURS) {
    add({
      id: 'snapshot-rpo-missed', alert: 'PantherSnapshotRpoMissed', severity: 'warning', metric: 'pantheros.snapshot.rpo_age',
      condition: { kind: 'above', threshold: rpoHours }, forMinutes: RPO_GRACE_MINUTES, spec: false,
      summary: `a critical subvolume of ${host} has no snapshot within its RPO of ${plan.objectives.rpoMinutes} min`,
      runbook: 'the frequent snapshot timer is late or failing: systemctl status panther-snapshot-frequent.timer; panther snapshot list',
    });
  }
  for (const { tier, expected, subvolumes, maxKeep } of retentionExpectations(plan)) {
    add({
      id: 'retention-count-high', alert: 'PantherRetentionCountHigh', severity: 'warning', metric: 'pantheros.snapshot.count', match: { type: tier },
      condition: { kind: 'above', threshold: expected + subvolumes }, forMinutes: RETENTION_ABOVE_FOR_MINUTES, spec: true,
      summary: `${host} keeps more ${tier} snapshots than its retention (${expected}, + ${subvolumes} awaiting prune)`,
      runbook: 'panther snapshot prune --dry-run shows what prune would delete; a failing prune timer, or holds of a stuck backup (panther backup status)',
    });
    const forMinutes = (maxKeep + 1) * tierPeriodMinutes(plan, tier);
    if (forMinutes <= BELOW_COUNT_MAX_FOR_MINUTES) {
      add({
        id: 'retention-count-low', alert: 'PantherRetentionCountLow', severity: 'warning', metric: 'pantheros.snapshot.count', match: { type: tier },
        condition: { kind: 'below', threshold: expected }, forMinutes, spec: true,
        summary: `${host} has fewer ${tier} snapshots than its retention (${expected}) for longer than the tier takes to fill`,
        runbook: 'snapshots of this tier are not being taken (timer, failures) or are pruned too early: panther snapshot list, panther snapshot simulate',
      });
    }
  }
  if (backsUp(plan)) {
    const windows = backupWindows(plan.backup.window, plan.backup.staggerMinutes, `${host} backup`);
    const windowSeconds = Math.max(windows.weekdays.lengthMinutes, windows.weekends.lengthMinutes) * 60;
    add({
      id: 'backup-slow', alert: 'PantherBackupSlow', severity: 'warning', metric: 'pantheros.backup.duration',
      condition: { kind: 'above', threshold: windowSeconds }, forMinutes: 0, spec: true,
      summary: `the last backup run of ${host} took longer than its window (${windowSeconds / 60} min)`,
      runbook: 'the window stops runs, so the backlog grows: panther backup status (nights needed); widen the window or raise the bandwidth cap',
    });
    add({
      id: 'b2-cost-high', alert: 'PantherB2CostHigh', severity: 'warning', metric: 'pantheros.backup.b2.cost',
      condition: { kind: 'above', threshold: round(BUDGET_SHARE * plan.backup.monthlyBudgetUsd) }, forMinutes: 0, spec: true,
      summary: `${host}'s forecast B2 cost is over ${BUDGET_SHARE * 100} % of its $${plan.backup.monthlyBudgetUsd} monthly budget`,
      runbook: 'panther cost for the breakdown; prune offsite points (panther backup prune) or exclude bulky subvolumes',
    });
    // ---- our engine's ---------------------------------------------------------------------------
    add({
      id: 'repository-check-failed', alert: 'PantherRepositoryCheckFailed', severity: 'critical', metric: 'pantheros.backup.check',
      condition: { kind: 'below', threshold: 1 }, forMinutes: 0, spec: false,
      summary: `the last repository check of ${host} found problems: restores may fail`,
      runbook: 'panther backup check --json lists what is damaged; panther backup repair-index, then check again',
    });
    // Restore drills (`panther drill`): they restore from the repository, so only hosts that back up.
    add({
      id: 'drill-failed', alert: 'PantherDrillFailed', severity: 'critical', metric: 'pantheros.drill.passed',
      condition: { kind: 'below', threshold: 1 }, forMinutes: 0, spec: false,
      summary: `the last restore drill of ${host} did not pass (failed or interrupted): a restore may not work`,
      runbook: `panther drill status on ${host} says which level, which subvolume and why; journalctl -u 'panther-drill-*'; fix it and run panther drill LEVEL again`,
    });
    for (const [level, days] of Object.entries(DRILL_OVERDUE_DAYS)) {
      add({
        id: 'drill-overdue', alert: 'PantherDrillOverdue', severity: 'warning', metric: 'pantheros.drill.since_pass', match: { level },
        condition: { kind: 'above', threshold: days * 86_400 }, forMinutes: 0, spec: false,
        summary: `no ${level} drill of ${host} has passed for over ${days} days`,
        runbook: `systemctl list-timers 'panther-drill-*' on ${host}: is the timer there and running? panther drill status; run panther drill ${level}`,
      });
    }
    add({
      id: 'drill-rto-missed', alert: 'PantherDrillRtoMissed', severity: 'warning', metric: 'pantheros.drill.rto_met',
      condition: { kind: 'below', threshold: 1 }, forMinutes: 0, spec: false,
      summary: `the last restore drill of ${host} restored a subvolume slower than its recovery time objective`,
      runbook: 'panther drill status shows the implied and objective RTO per subvolume; a faster link or repository, a smaller subvolume, or a realistic objective in the plan',
    });
    add({
      id: 'backup-behind', alert: 'PantherBackupBehind', severity: 'warning', metric: 'pantheros.backup.nights_needed',
      condition: { kind: 'above', threshold: 1 }, forMinutes: 1440, spec: false,
      summary: `${host}'s offsite backlog has needed more than one night for a day`,
      runbook: 'panther backup status; widen the window, raise the bandwidth cap, or exclude bulky subvolumes',
    });
  }
  add({
    id: 'device-errors', alert: 'PantherDeviceErrors', severity: 'critical', metric: 'pantheros.btrfs.device_errors', condition: rise, forMinutes: 0, spec: false,
    summary: `btrfs device error counters rose on ${host}`,
    runbook: 'btrfs device stats on the pool, smartctl -a on the disk; replace a failing disk or cable, then btrfs device stats -z',
  });
  add({
    id: 'scrub-errors', alert: 'PantherScrubErrors', severity: 'critical', metric: 'pantheros.btrfs.scrub.errors',
    condition: { kind: 'above', threshold: 0 }, forMinutes: 0, spec: false,
    summary: `the last scrub on ${host} found errors`,
    runbook: 'btrfs scrub status -d; corrupted files are named in the kernel log (journalctl -k); restore them from a snapshot or backup',
  });
  add({
    id: 'scrub-overdue', alert: 'PantherScrubOverdue', severity: 'warning', metric: 'pantheros.btrfs.scrub.age',
    condition: { kind: 'above', threshold: SCRUB_AGE_HOURS }, forMinutes: 0, spec: false,
    summary: `no scrub finished on a pool of ${host} for over 35 days`,
    runbook: 'systemctl status btrfs-scrub timer; run btrfs scrub start on the pool',
  });
  add({
    id: 'metrics-dropped', alert: 'PantherMetricsDropped', severity: 'warning', metric: 'pantheros.metrics.dropped', condition: rise, forMinutes: 0, spec: false,
    summary: `${host} could not send some metrics: monitoring is partly blind`,
    runbook: 'systemctl status datadog-agent on the host; panther doctor reports a broken metrics config',
  });
  return rules;
}

/** Every rule of a fleet; hosts must be distinct. */
export function fleetRules(plans: readonly StoragePlan[]): AlertRule[] {
  return plans.flatMap(hostRules);
}

/** The catalog's type of a rule's metric (counters are queried as counts/increases). */
export function isCounter(rule: AlertRule): boolean {
  return metric(rule.metric).type === 'counter';
}
