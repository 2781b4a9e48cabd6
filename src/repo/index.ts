// The repository layer: btrfs send streams (or any byte streams) in, deduplicated, compressed,
// encrypted packs on a backend out, and back. docs/FORMAT.md is the normative description.
//
// What it does: content-defined chunking (chunker/), per-object AES-256-GCM under keys derived from
// one master key (crypto/), the master key wrapped in age files (keyfile/), packs of sealed blobs
// (pack/), an index from chunk id to pack location (index/), one manifest per backup point
// (manifest/), and the operations: write (writer/), restore (restore/), check (check/), prune
// (prune/). backend/ stores named objects and knows nothing of the rest.
//
// What it does not: run btrfs, choose what to back up or which points to keep (backup/ and
// snapshot/ do). backend/ holds the stores (local, memory, S3 with B2-safe settings) and the wrappers
// composed around them (retry, bandwidth limit, metering, fault injection for tests), in the one
// order backend/open.ts builds. Callers take the narrow views of access.ts, not Repository itself.
//
// Where to start: repository.ts (init/open and the API), then writer/backup-writer.ts and
// restore/restore-stream.ts for the data path; store.ts for how objects are named and verified.

export { initRepository, openRepository, Repository } from './repository.ts';
export type { RepositoryLocking, RepositoryReader, RepositoryWriter } from './access.ts';
export type { InitOptions, OpenOptions } from './repository.ts';
export type { BackupMeta, BackupOptions, BackupProgress, BackupResult } from './writer/backup-writer.ts';
export type { RestoreOptions } from './restore/restore-stream.ts';
export type { CheckOptions, CheckProblem, CheckReport } from './check/check.ts';
export type { PruneOptions, PruneReport } from './prune/prune.ts';
export type { RepairOptions, RepairReport } from './index/repair-index.ts';
export type { PackDecision } from './prune/plan-prune.ts';
export type { ManifestEntry } from './manifest/catalog.ts';
export type { ManifestHead, SnapshotIdentity } from './manifest/manifest.ts';
export type { KeyInfo } from './keyfile/key-ring.ts';
export type { Unwrapping, Wrapping } from './keyfile/key-file.ts';
export type { RepositoryParams, ChunkerParams } from './params.ts';
export { DEFAULT_PARAMS } from './params.ts';
export { RepoExit } from './errors.ts';
export type { Backend, BackendProperties, ObjectInfo, ByteRange } from './backend/backend.ts';
export { LocalBackend } from './backend/local.ts';
export { MemoryBackend } from './backend/memory.ts';
export { RetryBackend, RetryPolicy } from './backend/retry.ts';
export { parseS3Url } from './backend/s3-url.ts';
export { acquireRepoLock, listRepoLocks, removeStaleLocks, describeLock } from './lock/index.ts';
