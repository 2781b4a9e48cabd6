// The repository: init and open a host's repository on a backend, and the operations on it. This
// is the only code that uses backend/ (through ObjectStore); the format is docs/FORMAT.md.
import { randomBytes } from 'node:crypto';
import type { Backend, BackendProperties } from './backend/backend.ts';
import type { RepositoryLocking, RepositoryWriter } from './access.ts';
import { acquireRepoLock, lockParamsFor, type AcquireOptions, type LockKind, type RepoLock } from './lock/index.ts';
import { ObjectStore } from './store.ts';
import { assertHost, configName } from './names.ts';
import type { RepositoryParams } from './params.ts';
import { mergeParams } from './params.ts';
import type { RepositoryConfig } from './config.ts';
import { configParams, makeConfig, openConfig, sealConfig } from './config.ts';
import type { RepoKeys } from './crypto/keys.ts';
import { deriveKeys, newMasterKey } from './crypto/keys.ts';
import { gearTable } from './chunker/gear.ts';
import type { KeyFileContent, Unwrapping, Wrapping } from './keyfile/key-file.ts';
import { KEY_FORMAT, KEY_VERSION, KeyFileDamaged, unwrapKey, wrapKey } from './keyfile/key-file.ts';
import { KeyRing } from './keyfile/key-ring.ts';
import { sha256Hex } from './pack/pack.ts';
import { corrupt, noKey, noRepository, refused, wrongKey } from './errors.ts';
import type { RepoIndex } from './index/repo-index.ts';
import { loadIndex } from './index/repo-index.ts';
import { ManifestCatalog } from './manifest/catalog.ts';
import type { ManifestEntry } from './manifest/catalog.ts';
import type { Manifest } from './manifest/manifest.ts';
import type { BackupMeta, BackupOptions, BackupResult } from './writer/backup-writer.ts';
import { BackupWriter } from './writer/backup-writer.ts';
// Restore, check, prune and repair are loaded when called: every run opens a repository, and most
// runs (a backup, a listing) use none of them.
import type { RestoreOptions } from './restore/restore-stream.ts';
import type { CheckOptions, CheckReport } from './check/check.ts';
import type { PruneOptions, PruneReport } from './prune/prune.ts';
import type { RepairOptions, RepairReport } from './index/repair-index.ts';

export interface InitOptions {
  host: string;
  passphrase?: string;
  /** age X25519 recipients (`age1…`); one key file each. */
  recipients?: readonly string[];
  params?: Partial<RepositoryParams>;
  /** scrypt work factor for passphrase key files (default 18, as age). */
  scryptLogN?: number;
  now?: () => Date;
}

export interface OpenOptions {
  host: string;
  identity: Unwrapping;
  now?: () => Date;
}

/** The whole repository; callers outside repo/ take the narrow views of access.ts. */
export class Repository implements RepositoryWriter, RepositoryLocking {
  readonly store: ObjectStore;
  readonly config: RepositoryConfig;
  readonly params: RepositoryParams;
  readonly keys: KeyRing;
  readonly manifests: ManifestCatalog;
  /** Derived secrets; never written anywhere. */
  readonly secrets: RepoKeys;
  readonly gear: Int32Array;
  readonly now: () => Date;
  #index: Promise<RepoIndex> | undefined;

  constructor(store: ObjectStore, config: RepositoryConfig, content: KeyFileContent, keyId: string, now: () => Date) {
    this.store = store;
    this.config = config;
    this.params = configParams(config);
    this.now = now;
    this.secrets = deriveKeys(Buffer.from(content.masterKey, 'base64'));
    this.gear = gearTable(this.secrets.gearSeed);
    this.keys = new KeyRing(store, content, keyId, now);
    this.manifests = new ManifestCatalog(store, this.secrets.objectRoot);
  }

  get host(): string { return this.store.host; }
  get id(): string { return this.config.id; }
  get backend(): Backend { return this.store.backend; }
  get backendProperties(): BackendProperties { return this.store.backend.properties; }

  /** Takes the repository lock; the margins default to what the backend's properties allow (no settle delay on a local directory). */
  lock(kind: LockKind, options: AcquireOptions): Promise<RepoLock> {
    return acquireRepoLock(this.backend, this.host, kind, { ...options, params: { ...lockParamsFor(this.backend.properties), ...options.params } });
  }

  sweepTemporaries(olderThanMs: number): Promise<number> {
    return this.backend.sweepTemporaries(olderThanMs);
  }

  /** The index, loaded on first use and kept up to date by this handle's writers. */
  index(): Promise<RepoIndex> {
    this.#index ??= loadIndex(this.store, this.secrets.objectRoot);
    return this.#index;
  }

  /** Forget the loaded index (after prune, or to see another process's writes). */
  reloadIndex(): void {
    this.#index = undefined;
  }

  /** A writer for one backup point; call write(stream) once. */
  backupWriter(meta: BackupMeta, options: BackupOptions = {}): BackupWriter {
    return new BackupWriter(this, meta, options);
  }

  /** Stores one stream as a backup point: packs → index → manifest. */
  async backup(source: AsyncIterable<Uint8Array>, meta: BackupMeta, options: BackupOptions = {}): Promise<BackupResult> {
    return this.backupWriter(meta, options).write(source);
  }

  /** The stream of a backup point, verified chunk by chunk and as a whole. */
  async *restoreStream(manifestId: string, options: RestoreOptions = {}): AsyncGenerator<Buffer> {
    const { restoreStream } = await import('./restore/restore-stream.ts');
    return yield* restoreStream(this, manifestId, options);
  }

  /** Bytes restoreStream reads from the backend for this point (its chunks' stored sizes), and the packs holding them. */
  async restoreDownloadBytes(manifestId: string): Promise<{ bytes: number; packs: string[] }> {
    return (await import('./restore/restore-stream.ts')).restoreDownloadBytes(this, manifestId);
  }

  listManifests(): Promise<ManifestEntry[]> {
    return this.manifests.list();
  }

  readManifest(id: string): Promise<Manifest> {
    return this.manifests.read(id);
  }

  /** Removes one backup point; its data stays until prune. */
  deleteManifest(id: string): Promise<void> {
    return this.manifests.delete(id);
  }

  async check(options: CheckOptions = {}): Promise<CheckReport> {
    return (await import('./check/check.ts')).checkRepository(this, options);
  }

  /** Rebuilds the index from the pack trailers: new segments first, then the old ones go. Needs the exclusive lock. */
  async repairIndex(options: RepairOptions = {}): Promise<RepairReport> {
    return (await import('./index/repair-index.ts')).repairIndex(this, options);
  }

  /** Deletes backup points not in `keep` and data nothing kept uses. Needs the exclusive lock. */
  async prune(keep: Iterable<string>, options: PruneOptions = {}): Promise<PruneReport> {
    return (await import('./prune/prune.ts')).prune(this, keep, options);
  }
}

export async function initRepository(backend: Backend, options: InitOptions): Promise<Repository> {
  return createRepository(backend, options, { masterKey: newMasterKey(), id: randomBytes(16).toString('hex') });
}

/** The secrets init draws at random; fixed only by format fixtures and deterministic tests. */
export interface NewRepositorySecrets {
  masterKey: Uint8Array;
  /** 32 hex digits. */
  id: string;
}

/** initRepository with given secrets. Not for production use: the master key must be random. */
export async function createRepository(backend: Backend, options: InitOptions, secretsIn: NewRepositorySecrets): Promise<Repository> {
  assertHost(options.host);
  const params = mergeParams(options.params);
  const wrappings: Wrapping[] = [
    ...(options.passphrase === undefined ? [] : [{ passphrase: options.passphrase, ...(options.scryptLogN === undefined ? {} : { scryptLogN: options.scryptLogN }) }]),
    ...(options.recipients ?? []).map((recipient) => ({ recipient })),
  ];
  if (wrappings.length === 0) {
    throw refused('no-key-given', 'a repository needs a passphrase or at least one age recipient', 'pass a passphrase or an age1… recipient');
  }
  const store = new ObjectStore(backend, options.host);
  if (await backend.head(configName(options.host)) !== null || (await store.list('keys')).length > 0) {
    throw refused('repository-exists', `${options.host}/ already holds a repository (or the start of one)`, `open it instead; to start over, delete everything under ${options.host}/`);
  }
  const now = options.now ?? (() => new Date());
  const created = now().toISOString();
  const id = secretsIn.id;
  const content: KeyFileContent = {
    format: KEY_FORMAT, version: KEY_VERSION, repository: id, host: options.host, created,
    masterKey: Buffer.from(secretsIn.masterKey).toString('base64'),
  };
  // Key files first, config last: the config is what makes a repository exist, so a crash in
  // between leaves "no repository" plus stray key files, never a repository without a key.
  const keyIds: string[] = [];
  for (const wrapping of wrappings) keyIds.push(await store.write('keys', await wrapKey(content, wrapping)));
  const config = makeConfig(id, options.host, created, params);
  const secrets = deriveKeys(Buffer.from(content.masterKey, 'base64'));
  await backend.put(configName(options.host), sealConfig(secrets.objectRoot, config));
  return new Repository(store, config, content, keyIds[0]!, now);
}

export async function openRepository(backend: Backend, options: OpenOptions): Promise<Repository> {
  assertHost(options.host);
  const store = new ObjectStore(backend, options.host);
  const name = configName(options.host);
  let configBytes: Uint8Array;
  try {
    configBytes = await backend.get(name);
  } catch (error) {
    if ((error as { code?: string }).code !== 'object-not-found') throw error;
    const strays = (await store.list('keys')).length;
    throw noRepository(options.host, strays > 0 ? `${options.host}/keys/ holds ${strays} key file(s) but no config: an init did not finish; delete ${options.host}/ and init again` : undefined);
  }
  const keyFiles = await store.list('keys');
  if (keyFiles.length === 0) throw noKey(options.host);
  const damaged: string[] = [];
  for (const keyFile of keyFiles) {
    const bytes = Buffer.from(await backend.get(keyFile.name));
    if (sha256Hex(bytes) !== keyFile.id) { damaged.push(keyFile.name); continue; }
    let content: KeyFileContent | null;
    try {
      content = await unwrapKey(bytes, options.identity);
    } catch (error) {
      if (error instanceof KeyFileDamaged) throw corrupt(keyFile.name, `key file matches this identity but ${error.message}`, [], 'restore the key file from a copy, or open with another key');
      throw error;
    }
    if (content === null) continue;
    const secrets = deriveKeys(Buffer.from(content.masterKey, 'base64'));
    let config: RepositoryConfig;
    try {
      config = openConfig(secrets.objectRoot, configBytes);
    } catch (error) {
      throw corrupt(name, (error as Error).message, [], `every backup point of ${options.host} needs the config to be written to; restore ${name} from a copy`);
    }
    if (config.id !== content.repository || config.host !== options.host || content.host !== options.host) {
      throw corrupt(keyFile.name, `key file belongs to repository ${content.repository} of ${content.host}, not ${config.id} of ${options.host}`);
    }
    return new Repository(store, config, content, keyFile.id, options.now ?? (() => new Date()));
  }
  throw wrongKey(options.host, keyFiles.length - damaged.length, damaged);
}
