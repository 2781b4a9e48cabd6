// Snapshot words shared by retention, the engine, hooks and (later) the backup engine.
import type { SnapshotTiers, Tier } from '../plan/types.ts';

/** What made a snapshot. Only "timeline" snapshots are thinned by tier retention; "backup" ones are taken
 * by the backup engine for subvolumes without snapshot tiers and removed by it once superseded. */
export type SnapshotOrigin = 'timeline' | 'manual' | 'wrap-pre' | 'wrap-post' | 'backup';

/** Minimal view retention decides over (zrepl-style): an id and a time, plus what protects it. */
export interface RetentionItem {
  id: string;
  /** ISO-8601 UTC instant the snapshot was taken. */
  time: string;
  /** Pinned by the user: never deleted by retention. */
  pinned?: boolean;
  /** Held by another component (e.g. "backup:parent"): never deleted while held. */
  holds?: string[];
}

export interface RetentionPolicy {
  tiers: SnapshotTiers;
  /** IANA zone the day/week/month buckets are computed in; null = UTC. */
  timezone: string | null;
}

export interface RetentionDecision {
  id: string;
  keep: boolean;
  /** Why it is kept ("daily 2026-11-24", "newest", "pinned", "held by backup:parent") or deleted ("expired: …"). */
  reasons: string[];
}

export interface HookOutcome {
  hook: string;
  phase: 'before' | 'after';
  ok: boolean;
  /** fail-open hook that failed: the snapshot was taken but is marked degraded. */
  degraded: boolean;
  durationMs: number;
  message: string;
}

/** Stored beside every snapshot (`<name>.json`), so the catalog can be rebuilt from the filesystem. */
export interface SnapshotMeta {
  formatVersion: 1;
  /** `<subvolume>.<UTC timestamp>`, e.g. "@home.20261124T020000Z". */
  name: string;
  host: string;
  pool: string;
  subvolume: string;
  time: string;
  origin: SnapshotOrigin;
  /** Tiers this snapshot was due for when created (informational; retention decides by time). */
  tiers: Tier[];
  tags: string[];
  description: string | null;
  creator: string;
  pinned: boolean;
  holds: string[];
  hooks: HookOutcome[];
  degraded: boolean;
  /** For wrap-pre/wrap-post: the command and, after it ran, its exit code. */
  command: { argv: string[]; exitCode: number | null } | null;
  /** btrfs identity, for send/receive parents later. */
  uuid: string | null;
  toolVersion: string;
}
