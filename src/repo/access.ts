// What a caller may do with a repository, as the narrow types callers take. `Repository` implements
// all of them; a function asks for the least it needs, so the compiler keeps `backup check` and
// restore from writing and keeps backup/ away from the keys and the raw backend:
//
//   RepositoryReader   points and manifests, restore streams, check: reads only
//   RepositoryWriter   the reader, plus backup, delete a point, prune, repair the index, sweep
//   RepositoryLocking  the repository lock (coordination objects, not data), with the settle delay
//                      its backend's properties allow
//
// Key management (`keys`) and the raw backend (`backend`, `store`) are on `Repository` alone: the
// commands that manage keys and locks (backup init/key/unlock) and repo/ itself use them.
import type { BackendProperties } from './backend/backend.ts';
import type { CheckOptions, CheckReport } from './check/check.ts';
import type { RepairOptions, RepairReport } from './index/repair-index.ts';
import type { AcquireOptions, LockKind, RepoLock } from './lock/index.ts';
import type { ManifestEntry } from './manifest/catalog.ts';
import type { Manifest } from './manifest/manifest.ts';
import type { RepositoryParams } from './params.ts';
import type { PruneOptions, PruneReport } from './prune/prune.ts';
import type { RestoreOptions } from './restore/restore-stream.ts';
import type { BackupMeta, BackupOptions, BackupResult } from './writer/backup-writer.ts';

export interface RepositoryReader {
  readonly host: string;
  /** The repository's id (its config's), which names it in a host's state files. */
  readonly id: string;
  readonly params: RepositoryParams;
  listManifests(): Promise<ManifestEntry[]>;
  readManifest(id: string): Promise<Manifest>;
  /** The stream of a backup point, verified chunk by chunk and as a whole. */
  restoreStream(manifestId: string, options?: RestoreOptions): AsyncGenerator<Buffer>;
  /** Bytes restoreStream reads from the backend for this point (its chunks' stored sizes), and the packs holding them. */
  restoreDownloadBytes(manifestId: string): Promise<{ bytes: number; packs: string[] }>;
  check(options?: CheckOptions): Promise<CheckReport>;
}

export interface RepositoryWriter extends RepositoryReader {
  /** Stores one stream as a backup point: packs → index → manifest. */
  backup(source: AsyncIterable<Uint8Array>, meta: BackupMeta, options?: BackupOptions): Promise<BackupResult>;
  /** Removes one backup point; its data stays until prune. */
  deleteManifest(id: string): Promise<void>;
  /** Deletes backup points not in `keep` and data nothing kept uses. Needs the exclusive lock. */
  prune(keep: Iterable<string>, options?: PruneOptions): Promise<PruneReport>;
  /** Rebuilds the index from the pack trailers. Needs the exclusive lock. */
  repairIndex(options?: RepairOptions): Promise<RepairReport>;
  /** Removes what a crashed write left behind, older than `olderThanMs`; how many (0 on S3). */
  sweepTemporaries(olderThanMs: number): Promise<number>;
}

export interface RepositoryLocking {
  readonly host: string;
  /** What the backend under the repository is (kind, list consistency…). */
  readonly backendProperties: BackendProperties;
  /** The repository lock (docs/FORMAT.md §6); margins default to what the backend allows. */
  lock(kind: LockKind, options: AcquireOptions): Promise<RepoLock>;
}
