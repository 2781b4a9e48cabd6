// What a restore drill records: one result per run, the newest per level, and a bounded history.
// The state file (<state dir>/drill-<host>.json, FORMAT.md §5.7) is written by `panther drill` and
// read by `drill status`, the metrics collector and the status API.

/** integrity = weekly, restore = monthly, disaster = quarterly (the specification's "Backup Validation"). */
export type DrillLevel = 'integrity' | 'restore' | 'disaster';
export const DRILL_LEVELS: readonly DrillLevel[] = ['integrity', 'restore', 'disaster'];

/** passed: everything checked held. failed: something did not (reason says what). interrupted: the drill died. */
export type DrillOutcome = 'passed' | 'failed' | 'interrupted';

export interface DrillReason { code: string; message: string; hint?: string }

export interface DownloadRecord {
  /** Bytes read from the repository's backend during the drill. */
  bytes: number;
  /** What those bytes cost at the price table (0 for a local repository). */
  usd: number;
  /** The drill's download budget in USD; null = unbounded (a local repository). */
  budgetUsd: number | null;
}

export interface IntegrityRecord {
  problems: number;
  packsTotal: number;
  packsRead: number;
  bytesRead: number;
  /** This drill read slice `index` of `of`; every pack is read once every `of` weeks. */
  slice: { index: number; of: number };
}

export interface PostgresFindings {
  databases: Array<{ name: string; tables: number; rows: number }>;
  /** null = the amcheck extension is not installed with this server. */
  amcheck: { indexes: number } | null;
}

export interface RedisFindings {
  keys: number;
  /** Keys read back (TYPE + a read of each); their count, not their names (names may be private). */
  sampled: number;
}

export interface DatabaseCheck {
  kind: 'postgres' | 'redis';
  /** Directory of the data inside the subvolume, relative to its root ("15/main", "."). */
  dataDir: string;
  ok: boolean;
  /** From starting the server on the restored copy until it first answered a query; null = never. */
  answeredAfterMs: number | null;
  postgres?: PostgresFindings;
  redis?: RedisFindings;
  error?: DrillReason;
}

export interface RtoRecord {
  /** The plan's objective; null when the drill ran without a plan. */
  objectiveMinutes: number | null;
  /** Restore time for the subvolume's real size at the rate measured here. */
  impliedMinutes: number;
  /** Restore time when every stored byte comes over the 10 Mbit/s link (an offsite restore). */
  impliedMinutesAtLink: number;
  linkBitsPerSecond: number;
  /** null without an objective. */
  met: boolean | null;
}

export interface SubvolumeDrill {
  subvolume: string;
  point: string;
  snapshot: string;
  /** When the point's snapshot was taken: the newest moment this subvolume can be restored to. */
  snapshotTime: string;
  chainLength: number;
  /** Bytes of send stream received (after decryption and decompression). */
  restoredBytes: number;
  /** Bytes the point's chain occupies in the repository (what an offsite restore downloads). */
  storedBytes: number;
  /** Bytes of the restored subvolume as the filesystem reports them (data referenced). */
  sourceBytes: number;
  restoreMs: number;
  /** How the restored copy was verified: against the snapshot still on disk, or the stored stream hash only. */
  verifiedAgainst: 'source-snapshot' | 'stream-hash';
  /** Differences found against the source snapshot (first few in `differenceSample`). */
  differences: number;
  differenceSample: string[];
  databases: DatabaseCheck[];
  rto: RtoRecord;
  ok: boolean;
  error?: DrillReason;
}

export interface ValidationRecord {
  /** Newest backup point of this host (any subvolume); null = none. */
  lastBackupAt: string | null;
  /** Stored bytes of the restored chains against their source bytes. */
  storedVsSource: { storedBytes: number; sourceBytes: number; ratio: number | null };
  /** Plaintext markers taken from the restored data; none may appear in the repository's objects. */
  encryption: { markers: number; objectsScanned: number; bytesScanned: number; found: number; ok: boolean } | null;
  /** The restore location could be written (a file created, fsynced and removed). */
  restorePathWritable: boolean | null;
}

export interface DrillResult {
  level: DrillLevel;
  startedAt: string;
  finishedAt: string;
  outcome: DrillOutcome;
  reason?: DrillReason;
  /** The repository, credentials removed. */
  repository: string;
  download: DownloadRecord;
  integrity?: IntegrityRecord;
  subvolumes: SubvolumeDrill[];
  /** Subvolumes this drill did not restore, and why (the download budget); the next drill takes them first. */
  deferred: Array<{ subvolume: string; reason: string }>;
  validation?: ValidationRecord;
}

export interface RunningDrill {
  level: DrillLevel;
  pid: number;
  /** Kernel start time of pid (field 22 of /proc/<pid>/stat): a reused pid is not mistaken for it. */
  startTicks: string | null;
  since: string;
}

export interface DrillState {
  format: 'panther-drill-state';
  version: 1;
  host: string;
  updated: string;
  running: RunningDrill | null;
  /** The newest result per level. */
  last: Partial<Record<DrillLevel, DrillResult>>;
  /** When each level last passed. */
  lastPassedAt: Partial<Record<DrillLevel, string>>;
  /** Per subvolume, when a restore or disaster drill last restored it: the rotation under a download budget. */
  lastRestoredAt: Record<string, string>;
  /** Older results, newest last, at most HISTORY_LIMIT. */
  history: DrillResult[];
}
