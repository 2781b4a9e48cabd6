// What every tool runner does: the same four operations, measured the same way.
import type { Usage } from '../measure.ts';

export const TOOL_NAMES = ['panther', 'restic', 'borg', 'raw', 'raw2'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export interface Secrets {
  /** restic and borg: their repository passphrase. */
  passwordFile: string;
  /** panther, raw and raw2: an age X25519 identity and its recipient. */
  identityFile: string;
  recipient: string;
}

export interface ToolContext {
  /** This tool's repository (directory or, for raw, where the stream files go) for one scenario. */
  repoDir: string;
  /** Private scratch space (GNU time output, caches). */
  scratch: string;
  secrets: Secrets;
  /** A fixed path the file-level tools see every snapshot at (bind mount), so they find their parent. */
  viewDir: string;
  /** btrfs subvolume name the snapshots belong to (panther's manifests record it). */
  subvolume: string;
}

export interface BackupPoint {
  /** Read-only snapshot to back up; its base name names the point. */
  snapshot: string;
  /** The previous point's snapshot, for an incremental. */
  parent?: string;
}

/** A measured backup; panther also reports the size of the send stream it stored. */
export interface Measured extends Usage {
  streamBytes?: number;
  /** What the tool said it did (restic: files new / changed / unmodified), for the log. */
  detail?: string;
}

export interface Restored {
  usage: Usage;
  /** Where the restored tree's root is. */
  root: string;
}

export interface Tool {
  readonly name: ToolName;
  /** Create the repository (not measured). */
  init(): Promise<void>;
  backup(point: BackupPoint): Promise<Measured>;
  /** Restore the point of `snapshot` (the newest in its chain) below `target`, an empty directory on btrfs. */
  restore(snapshot: string, chain: readonly string[], target: string): Promise<Restored>;
  /** Bytes the repository occupies (sum of file sizes). */
  storedBytes(): Promise<number>;
}
