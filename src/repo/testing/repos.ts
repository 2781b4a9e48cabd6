// Builders for repository tests: a small-chunk repository on a memory backend unless told
// otherwise, a cheap scrypt work factor, a fixed clock, and helpers to store and read back bytes.
import type { Backend } from '../backend/backend.ts';
import { MemoryBackend } from '../backend/memory.ts';
import type { RepositoryParams } from '../params.ts';
import { createHash } from 'node:crypto';
import { createRepository, initRepository } from '../repository.ts';
import type { NewRepositorySecrets } from '../repository.ts';
import type { Repository } from '../repository.ts';
import type { BackupMeta, BackupOptions, BackupResult } from '../writer/backup-writer.ts';
import { collectBytes, inReads } from './pseudo-random.ts';

export const HOST = 'testhost';
export const PASSPHRASE = 'correct horse battery staple';
/** Chunks of 4–64 KiB (avg 16 KiB) and 256 KiB packs: many chunks and packs from little data. */
export const SMALL_PARAMS: Partial<RepositoryParams> = {
  chunker: { min: 4096, avg: 16384, max: 65536 },
  packSize: 256 * 1024,
};
export const FIXED_NOW = (): Date => new Date('2026-11-24T02:00:00.000Z');

export interface TestRepoOptions {
  backend?: Backend;
  params?: Partial<RepositoryParams>;
  host?: string;
  /** Use initRepository's random master key instead of the fixed test key. */
  randomKey?: boolean;
}

// A fixed master key per host: the chunker is keyed, so with random keys chunk boundaries (and with
// them chunk counts, pack layouts, call counts) would differ from run to run and tests would flake.
export function testSecrets(host: string): NewRepositorySecrets {
  const digest = createHash('sha256').update(`panther test master key:${host}`).digest();
  return { masterKey: digest, id: createHash('sha256').update(digest).digest('hex').slice(0, 32) };
}

export async function makeRepo(options: TestRepoOptions = {}): Promise<{ repo: Repository; backend: Backend }> {
  const backend = options.backend ?? new MemoryBackend();
  const host = options.host ?? HOST;
  const init = { host, passphrase: PASSPHRASE, scryptLogN: 10, params: options.params ?? SMALL_PARAMS, now: FIXED_NOW };
  const repo = options.randomKey === true ? await initRepository(backend, init) : await createRepository(backend, init, testSecrets(host));
  return { repo, backend };
}

export function meta(n: number | string, parent: string | null = null): BackupMeta {
  return {
    subvolume: '@home',
    snapshot: { name: `@home.${n}`, uuid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, time: '2026-11-24T02:00:00.000Z' },
    parent,
  };
}

export function backupBytes(repo: Repository, data: Uint8Array, n: number | string = 1, options: BackupOptions = {}): Promise<BackupResult> {
  return repo.backup(inReads(data, 65_536, data.length), meta(n), options);
}

export function restoreBytes(repo: Repository, manifestId: string): Promise<Buffer> {
  return collectBytes(repo.restoreStream(manifestId));
}

/** Every object name under the test host, by kind. */
export async function objectNames(backend: Backend, kind: string, host = HOST): Promise<string[]> {
  const names: string[] = [];
  for await (const info of backend.list(`${host}/${kind}/`)) names.push(info.name);
  return names;
}
