// The specification's four dashboard views and the restore drills' view, once, as data: each panel names catalog metrics and how
// to show them; the Datadog and Grafana renderers turn the same list into their JSON.
import type { MetricName } from '../metrics/catalog.ts';

export type PanelKind = 'status' | 'timeseries' | 'bars';

export interface Panel {
  title: string;
  kind: PanelKind;
  metrics: MetricName[];
  /** Grafana unit id. */
  unit?: string;
}

export interface View {
  title: string;
  panels: Panel[];
}

export const VIEWS: readonly View[] = [
  {
    title: 'Host overview: snapshot and backup status',
    panels: [
      { title: 'Newest snapshot age (h)', kind: 'status', metrics: ['pantheros.snapshot.age'], unit: 'h' },
      { title: 'Critical subvolumes: snapshot age vs RPO (h)', kind: 'status', metrics: ['pantheros.snapshot.rpo_age'], unit: 'h' },
      { title: 'Last offsite backup age (h)', kind: 'status', metrics: ['pantheros.backup.age'], unit: 'h' },
      { title: 'Repository check (1 = clean)', kind: 'status', metrics: ['pantheros.backup.check'] },
      { title: 'Snapshots per retention tier', kind: 'timeseries', metrics: ['pantheros.snapshot.count'] },
      { title: 'Snapshots taken and backups completed', kind: 'bars', metrics: ['pantheros.snapshot.created', 'pantheros.backup.completed'] },
      { title: 'Backup duration (s)', kind: 'timeseries', metrics: ['pantheros.backup.duration'], unit: 's' },
      { title: 'Offsite backlog and nights needed', kind: 'timeseries', metrics: ['pantheros.backup.backlog', 'pantheros.backup.nights_needed'] },
    ],
  },
  {
    title: 'Backup cost tracking',
    panels: [
      { title: 'Forecast B2 cost this month (USD)', kind: 'timeseries', metrics: ['pantheros.backup.b2.cost'], unit: 'currencyUSD' },
      { title: 'Bytes uploaded per run', kind: 'timeseries', metrics: ['pantheros.backup.size'], unit: 'bytes' },
    ],
  },
  {
    title: 'Storage utilisation over time',
    panels: [
      { title: 'Disk usage (%)', kind: 'timeseries', metrics: ['pantheros.disk.usage'], unit: 'percent' },
      { title: 'Exclusive bytes held by snapshots', kind: 'timeseries', metrics: ['pantheros.snapshot.size'], unit: 'bytes' },
      { title: 'Balance running', kind: 'timeseries', metrics: ['pantheros.btrfs.balance'] },
      { title: 'Time since last scrub (h)', kind: 'timeseries', metrics: ['pantheros.btrfs.scrub.age'], unit: 'h' },
    ],
  },
  {
    title: 'Failure trend',
    panels: [
      { title: 'Snapshot and backup failures', kind: 'bars', metrics: ['pantheros.snapshot.failed', 'pantheros.backup.failed'] },
      { title: 'Database hook failures and degraded snapshots', kind: 'bars', metrics: ['pantheros.snapshot.hook_failed', 'pantheros.snapshot.degraded'] },
      { title: 'Device and scrub errors', kind: 'timeseries', metrics: ['pantheros.btrfs.device_errors', 'pantheros.btrfs.scrub.errors'] },
      { title: 'Metrics dropped (monitoring blind)', kind: 'bars', metrics: ['pantheros.metrics.dropped'] },
    ],
  },
  {
    title: 'Restore drills',
    panels: [
      { title: 'Last drill passed, per level (1 = passed)', kind: 'status', metrics: ['pantheros.drill.passed'] },
      { title: 'Time since the last passed drill, per level (s)', kind: 'status', metrics: ['pantheros.drill.since_pass'], unit: 's' },
      { title: 'Drills passed and failed', kind: 'bars', metrics: ['pantheros.drill.completed', 'pantheros.drill.failed'] },
      { title: 'Drill duration (s) and bytes downloaded', kind: 'timeseries', metrics: ['pantheros.drill.duration', 'pantheros.drill.downloaded'] },
      { title: 'Restore rate per subvolume (bytes/s)', kind: 'timeseries', metrics: ['pantheros.drill.restore_rate'], unit: 'Bps' },
      { title: 'Implied RTO vs objective per subvolume (min)', kind: 'timeseries', metrics: ['pantheros.drill.rto_implied', 'pantheros.drill.rto_objective'], unit: 'm' },
      { title: 'RTO objective met (1 = met)', kind: 'status', metrics: ['pantheros.drill.rto_met'] },
      { title: 'Restored databases: time to answer (s)', kind: 'timeseries', metrics: ['pantheros.drill.database_answered'], unit: 's' },
    ],
  },
];

/** Catalog metrics no panel or monitor shows, each with why. Empty today: every metric is plotted. */
export const DELIBERATELY_UNPLOTTED: Readonly<Record<string, string>> = {};
