// Every metric Panther sends, as data: the one list DogStatsD, the Prometheus exporter, docs/METRICS.md,
// the alert rules and the dashboards are built from and checked against (a metric is added here or
// nowhere). The specification's metrics ("Monitoring & Alerting Integration Points") keep exactly
// its names and tags; the others are what our own engine needs watched.

/** counter: one event, sent by the run where it happens; gauge: a level, sent by the run or the collector. */
export type MetricType = 'counter' | 'gauge';
export type MetricSource = 'run' | 'collector';

export interface MetricDef {
  /** DogStatsD name, "pantheros.snapshot.created". */
  name: string;
  type: MetricType;
  /** "1" for a count, "hours", "seconds", "bytes", "percent", "USD", "boolean". */
  unit: string;
  /** Tag keys, in the order they are documented. */
  tags: readonly string[];
  /** Named by the specification (its name and tags may not change). */
  spec: boolean;
  source: MetricSource;
  /** When it is sent. */
  when: string;
  /** What a value means (and what a bad one calls for). */
  meaning: string;
}

export const METRIC_PREFIX = 'pantheros';

export const METRICS = [
  // ---- the specification's -------------------------------------------------------------------------
  {
    name: 'pantheros.snapshot.created', type: 'counter', unit: '1', tags: ['host'], spec: true, source: 'run',
    when: 'by `snapshot run` / `snapshot create` / `snapshot wrap`, once per snapshot taken (degraded ones too)',
    meaning: 'snapshots taken; a host whose rate drops to 0 has stopped snapshotting',
  },
  {
    name: 'pantheros.snapshot.failed', type: 'counter', unit: '1', tags: ['host'], spec: true, source: 'run',
    when: 'by the same commands, once per subvolume whose snapshot failed (including a fail-closed hook refusing)',
    meaning: 'critical: a subvolume has no new restore point',
  },
  {
    name: 'pantheros.snapshot.age', type: 'gauge', unit: 'hours', tags: ['host'], spec: true, source: 'collector',
    when: 'by the collector: the oldest "newest snapshot" among the host\'s snapshotted subvolumes',
    meaning: 'how old the most stale subvolume\'s last restore point is; compare with the RPO',
  },
  {
    name: 'pantheros.snapshot.count', type: 'gauge', unit: '1', tags: ['host', 'type'], spec: true, source: 'collector',
    when: 'by the collector, one series per retention tier (type = frequent, hourly, daily, weekly, monthly, yearly, manual)',
    meaning: 'snapshots on disk per tier, summed over subvolumes; compare with the retention counts',
  },
  {
    name: 'pantheros.backup.completed', type: 'counter', unit: '1', tags: ['host'], spec: true, source: 'run',
    when: 'by `backup run`, once when a run ends with every due subvolume stored (a run stopped by the window end is not completed)',
    meaning: 'offsite backups that finished',
  },
  {
    name: 'pantheros.backup.failed', type: 'counter', unit: '1', tags: ['host'], spec: true, source: 'run',
    when: 'by `backup run`, once when a run ends with an error for any subvolume',
    meaning: 'critical within 1 h: an offsite backup failed',
  },
  {
    name: 'pantheros.backup.duration', type: 'gauge', unit: 'seconds', tags: ['host'], spec: true, source: 'run',
    when: 'by `backup run` at its end, whatever the outcome',
    meaning: 'wall time of the last run; a run longer than its window needs more nights',
  },
  {
    name: 'pantheros.backup.size', type: 'gauge', unit: 'bytes', tags: ['host', 'target'], spec: true, source: 'run',
    when: 'by `backup run` at its end (target = the repository kind: b2, s3 or local)',
    meaning: 'bytes the last run uploaded (after deduplication and compression)',
  },
  {
    name: 'pantheros.backup.b2.cost', type: 'gauge', unit: 'USD', tags: ['host'], spec: true, source: 'collector',
    when: 'by the collector, from the cost ledger',
    meaning: 'this month\'s forecast B2 cost for the host; alert at 90 % of the plan\'s budget',
  },
  {
    name: 'pantheros.disk.usage', type: 'gauge', unit: 'percent', tags: ['host', 'device'], spec: true, source: 'collector',
    when: 'by the collector, one series per pool (device = the pool\'s device)',
    meaning: 'used share of the btrfs filesystem; warning above 85 % for 2 h',
  },
  {
    name: 'pantheros.btrfs.balance', type: 'gauge', unit: 'boolean', tags: ['host', 'device'], spec: true, source: 'collector',
    when: 'by the collector, one series per pool',
    meaning: '1 while a balance runs on the pool, else 0',
  },
  {
    name: 'pantheros.snapshot.size', type: 'gauge', unit: 'bytes', tags: ['host', 'subvol'], spec: true, source: 'collector',
    when: 'by the collector when snapshot sizes are enabled, one series per snapshotted subvolume',
    meaning: 'the sum of each snapshot\'s exclusive bytes (btrfs filesystem du): a lower bound of what deleting them all would free, since data two snapshots share is in none',
  },
  // ---- our engine's --------------------------------------------------------------------------------
  {
    name: 'pantheros.snapshot.hook_failed', type: 'counter', unit: '1', tags: ['host', 'subvol', 'hook'], spec: false, source: 'run',
    when: 'by the snapshot commands, once per database hook that failed (fail-open: snapshot degraded; fail-closed: no snapshot)',
    meaning: 'critical for database subvolumes: the snapshot is not database-consistent or not there',
  },
  {
    name: 'pantheros.snapshot.degraded', type: 'counter', unit: '1', tags: ['host', 'subvol'], spec: false, source: 'run',
    when: 'by the snapshot commands, once per snapshot taken with a failed fail-open hook',
    meaning: 'a snapshot exists but is only crash-consistent',
  },
  {
    name: 'pantheros.snapshot.rpo_age', type: 'gauge', unit: 'hours', tags: ['host'], spec: false, source: 'collector',
    when: 'by the collector: like pantheros.snapshot.age, over the critical subvolumes only (those the RPO applies to)',
    meaning: 'compare with the plan\'s RPO (objectives.rpoMinutes); pantheros.snapshot.age spans daily-only subvolumes too, so it cannot',
  },
  {
    name: 'pantheros.backup.age', type: 'gauge', unit: 'hours', tags: ['host'], spec: false, source: 'collector',
    when: 'by the collector: time since the oldest "last completed point" among backed-up subvolumes',
    meaning: 'critical above 36 h: the last successful offsite backup is too old',
  },
  {
    name: 'pantheros.backup.backlog', type: 'gauge', unit: 'bytes', tags: ['host'], spec: false, source: 'collector',
    when: 'by the collector, from the backup state',
    meaning: 'bytes still to upload for the snapshots due offsite',
  },
  {
    name: 'pantheros.backup.nights_needed', type: 'gauge', unit: '1', tags: ['host'], spec: false, source: 'collector',
    when: 'by the collector, from the backlog, the window and the bandwidth cap',
    meaning: 'nights the backlog needs at the cap; above 1 means the host is behind',
  },
  {
    name: 'pantheros.backup.check', type: 'gauge', unit: 'boolean', tags: ['host'], spec: false, source: 'run',
    when: 'by `backup check` at its end',
    meaning: '1 when the last repository check found no problem, 0 otherwise',
  },
  {
    name: 'pantheros.btrfs.device_errors', type: 'gauge', unit: '1', tags: ['host', 'device', 'type'], spec: false, source: 'collector',
    when: 'by the collector from `btrfs device stats` (type = write_io, read_io, flush_io, corruption, generation)',
    meaning: 'error counters since they were last reset; any rise is a failing disk or cable',
  },
  {
    name: 'pantheros.btrfs.scrub.age', type: 'gauge', unit: 'hours', tags: ['host', 'device'], spec: false, source: 'collector',
    when: 'by the collector from `btrfs scrub status`',
    meaning: 'time since the last finished scrub of the pool',
  },
  {
    name: 'pantheros.btrfs.scrub.errors', type: 'gauge', unit: '1', tags: ['host', 'device'], spec: false, source: 'collector',
    when: 'by the collector from `btrfs scrub status`',
    meaning: 'errors the last scrub found (corrected or not)',
  },
  // ---- restore drills (`panther drill`; the collector reads <state dir>/drill-<host>.json) -----------
  {
    name: 'pantheros.drill.passed', type: 'gauge', unit: 'boolean', tags: ['host', 'level'], spec: false, source: 'collector',
    when: 'by the collector, one series per drill level that has run (level = integrity, restore, disaster)',
    meaning: '1 when the level\'s last drill passed, 0 when it failed or was interrupted (a drill whose process is gone counts as interrupted)',
  },
  {
    name: 'pantheros.drill.since_pass', type: 'gauge', unit: 'seconds', tags: ['host', 'level'], spec: false, source: 'collector',
    when: 'by the collector, per level that has passed at least once',
    meaning: 'time since the level last passed; overdue at about twice its period (integrity 14 d, restore 62 d, disaster 184 d)',
  },
  {
    name: 'pantheros.drill.duration', type: 'gauge', unit: 'seconds', tags: ['host', 'level'], spec: false, source: 'collector',
    when: 'by the collector, per level: the last drill\'s wall time, whatever its outcome',
    meaning: 'a drill nearing its 6 h bound (TimeoutStartSec) needs a bigger budget of time or a smaller slice',
  },
  {
    name: 'pantheros.drill.downloaded', type: 'gauge', unit: 'bytes', tags: ['host', 'level'], spec: false, source: 'collector',
    when: 'by the collector, per level: bytes the last drill read from the repository',
    meaning: 'what the drill cost in downloads (B2 bills them beyond the free allowance)',
  },
  {
    name: 'pantheros.drill.restore_rate', type: 'gauge', unit: 'bytes/s', tags: ['host', 'level', 'subvol'], spec: false, source: 'collector',
    when: 'by the collector, per subvolume the last restore or disaster drill restored',
    meaning: 'restored bytes per second of restore; the implied RTO follows from it',
  },
  {
    name: 'pantheros.drill.rto_implied', type: 'gauge', unit: 'minutes', tags: ['host', 'level', 'subvol'], spec: false, source: 'collector',
    when: 'by the collector, per subvolume the last restore or disaster drill restored',
    meaning: 'how long restoring the subvolume at its real size would take at the measured rate; compare with pantheros.drill.rto_objective',
  },
  {
    name: 'pantheros.drill.rto_objective', type: 'gauge', unit: 'minutes', tags: ['host', 'level', 'subvol'], spec: false, source: 'collector',
    when: 'by the collector, per restored subvolume whose drill ran with the plan\'s recovery time objective',
    meaning: 'the plan\'s RTO for the subvolume, beside the implied one',
  },
  {
    name: 'pantheros.drill.rto_met', type: 'gauge', unit: 'boolean', tags: ['host', 'level', 'subvol'], spec: false, source: 'collector',
    when: 'by the collector, per restored subvolume that has an objective',
    meaning: '1 when the implied RTO is within the objective, 0 when the last drill missed it',
  },
  {
    name: 'pantheros.drill.database_answered', type: 'gauge', unit: 'seconds', tags: ['host', 'level', 'subvol', 'database'], spec: false, source: 'collector',
    when: 'by the collector, per database the last drill started on a restored copy and that answered (database = postgres or redis)',
    meaning: 'from starting the server on the restored copy until it answered a query: part of the real recovery time',
  },
  {
    name: 'pantheros.drill.completed', type: 'counter', unit: '1', tags: ['host', 'level'], spec: false, source: 'run',
    when: 'by `panther drill LEVEL`, once when a drill ends and passed',
    meaning: 'drills that proved the backups restore',
  },
  {
    name: 'pantheros.drill.failed', type: 'counter', unit: '1', tags: ['host', 'level'], spec: false, source: 'run',
    when: 'by `panther drill LEVEL`, once when a drill ends failed',
    meaning: 'critical: a backup could not be restored or verified as the drill expected (its reason is in `panther drill status`)',
  },
  {
    name: 'pantheros.metrics.dropped', type: 'counter', unit: '1', tags: ['host'], spec: false, source: 'run',
    when: 'by any command whose metrics could not be sent (agent down, buffer full)',
    meaning: 'monitoring is blind for this host; nothing else is affected',
  },
] as const satisfies readonly MetricDef[];

export type MetricName = (typeof METRICS)[number]['name'];

const BY_NAME: ReadonlyMap<string, MetricDef> = new Map(METRICS.map((m) => [m.name, m]));

export function metric(name: MetricName): MetricDef {
  return BY_NAME.get(name)!;
}

/** Suffixes Prometheus reserves for counters, histograms and summaries (`promtool check metrics` flags them on a gauge). */
const RESERVED_SUFFIXES = ['_count', '_sum', '_bucket', '_total', '_created', '_info'] as const;

/**
 * The Prometheus name of a metric: dots become underscores and a counter gets `_total`
 * ("pantheros.snapshot.failed" → "pantheros_snapshot_failed_total"); a gauge whose name would end in
 * a reserved suffix gets `_value` ("pantheros.snapshot.count" → "pantheros_snapshot_count_value"), so
 * Prometheus and OpenMetrics parsers do not take it for part of a summary. Units stay out of the name
 * (docs/METRICS.md gives each one); tags become labels of the same names.
 */
export function prometheusName(def: Pick<MetricDef, 'name' | 'type'>): string {
  const base = def.name.replaceAll('.', '_');
  if (def.type === 'counter') return `${base}_total`;
  return RESERVED_SUFFIXES.some((s) => base.endsWith(s)) ? `${base}_value` : base;
}
