// check: is every backup point restorable? Structure always (config, key files, index segments,
// packs present with the indexed sizes, entries inside their packs, every manifest chunk indexed);
// content for a sample of packs when readData > 0. Read-only: it gets a Repository but writes
// nothing. Every problem names the object and the backup points it affects.
import { createHash } from 'node:crypto';
import type { Repository } from '../repository.ts';
import { loadIndex } from '../index/repo-index.ts';
import type { RepoIndex } from '../index/repo-index.ts';
import { openConfig } from '../config.ts';
import { configName } from '../names.ts';
import { keyKind } from '../keyfile/key-file.ts';
import { sha256Hex, LENGTH_FIELD_BYTES } from '../pack/pack.ts';
import { chunkCount, chunkRef } from '../manifest/manifest.ts';
import { verifyPack } from './read-pack.ts';
import type { IndexedBlob } from './read-pack.ts';

export interface CheckOptions {
  /** Percentage (0–100) of packs to download and verify blob by blob. Default 0. */
  readData?: number;
  /** Seed of the pack sample; default random, so repeated checks cover different packs. */
  sampleSeed?: string;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface CheckProblem {
  severity: 'error' | 'warning';
  code: string;
  object: string;
  message: string;
  /** Backup points (manifest ids) that cannot be restored intact because of this. */
  manifests: string[];
}

export interface CheckReport {
  ok: boolean;
  problems: CheckProblem[];
  stats: { manifests: number; indexSegments: number; packs: number; chunks: number; packsRead: number; blobsRead: number; bytesRead: number };
}

export async function checkRepository(repo: Repository, options: CheckOptions = {}): Promise<CheckReport> {
  const problems: CheckProblem[] = [];
  const add = (severity: CheckProblem['severity'], code: string, object: string, message: string): CheckProblem => {
    const p = { severity, code, object, message, manifests: [] };
    problems.push(p);
    return p;
  };
  const stats = { manifests: 0, indexSegments: 0, packs: 0, chunks: 0, packsRead: 0, blobsRead: 0, bytesRead: 0 };
  const { store, backend, host } = repo;

  try {
    openConfig(repo.secrets.objectRoot, await backend.get(configName(host)));
  } catch (error) {
    add('error', 'config-damaged', configName(host), (error as Error).message);
  }
  const foreign: string[] = [];
  for (const key of await store.list('keys', foreign)) {
    const bytes = await backend.get(key.name);
    if (sha256Hex(bytes) !== key.id) add('error', 'key-damaged', key.name, 'content hash does not match its name; this key can no longer open the repository');
    else if (keyKind(bytes) === 'other') add('warning', 'key-unknown', key.name, 'not a passphrase or X25519 age file');
  }

  // A fresh index: check reports what is stored now, not what this handle cached.
  const index = await loadIndex(store, repo.secrets.objectRoot);
  stats.indexSegments = index.segments.size + index.damaged.length;
  const damagedSegments = index.damaged.map((d) => add('error', 'index-damaged', d.object, d.reason));

  const stored = new Map<string, number>();
  for (const pack of await store.list('packs', foreign)) stored.set(pack.id, pack.size);
  stats.packs = stored.size;
  const badPacks = new Map<number, CheckProblem>();
  index.packIds.forEach((id, n) => {
    const size = stored.get(id);
    const name = store.name('packs', id);
    if (size === undefined) badPacks.set(n, add('error', 'pack-missing', name, 'indexed pack does not exist'));
    else if (size !== index.packSizes[n]) badPacks.set(n, add('error', 'pack-size', name, `pack is ${size} bytes, index says ${index.packSizes[n]}`));
  });
  index.table.forEach((_slot, at) => {
    if (badPacks.has(at.pack)) return;
    if (at.offset + at.length > index.packSizes[at.pack]! - LENGTH_FIELD_BYTES) {
      badPacks.set(at.pack, add('error', 'entry-out-of-bounds', store.name('packs', index.packIds[at.pack]!), `index entry ${at.offset}+${at.length} runs past the pack's blobs`));
    }
  });
  for (const [id] of stored) {
    if (index.packNumber(id) === undefined) add('warning', 'pack-unindexed', store.name('packs', id), 'pack is in no index segment (left by an interrupted run); prune removes it');
  }
  for (const name of foreign) add('warning', 'foreign-object', name, 'not a Panther object name; ignored');

  const badBlobs = new Map<string, CheckProblem>();
  const percent = Math.min(100, Math.max(0, options.readData ?? 0));
  if (percent > 0) await readSample(repo, index, percent, options, badPacks, badBlobs, add, stats);

  // One pass over manifests: unreadable ones, chunks the index lacks, chunks in damaged places.
  const manifestsListed = await store.list('manifests', foreign);
  stats.manifests = manifestsListed.length;
  const allIds = new Set(manifestsListed.map((m) => m.id));
  let done = 0;
  for (const item of manifestsListed) {
    options.onProgress?.('manifests', done++, manifestsListed.length);
    let manifest;
    try {
      manifest = await repo.manifests.read(item.id);
    } catch (error) {
      add('error', 'manifest-damaged', item.name, (error as { details?: { reason?: string } }).details?.reason ?? (error as Error).message).manifests.push(item.id);
      continue;
    }
    const parent = manifest.head.parent;
    if (parent !== null && !allIds.has(parent)) add('warning', 'parent-missing', item.name, `parent backup point ${parent} is gone; this incremental stream can only be received onto a snapshot that still exists elsewhere`);
    let missing = 0;
    const hits = new Set<CheckProblem>();
    const n = chunkCount(manifest);
    stats.chunks += n;
    for (let i = 0; i < n; i++) {
      const at = index.table.get(chunkRef(manifest, i).id);
      if (at === undefined) { missing += 1; continue; }
      const problem = badPacks.get(at.pack) ?? badBlobs.get(`${at.pack}:${at.offset}`);
      if (problem !== undefined) hits.add(problem);
    }
    for (const problem of hits) problem.manifests.push(item.id);
    if (missing > 0) {
      const note = damagedSegments.length > 0 ? ' (damaged index segments may have listed them)' : '';
      add('error', 'chunk-missing', item.name, `${missing} of ${n} chunks are in no index segment${note}`).manifests.push(item.id);
      for (const problem of damagedSegments) problem.manifests.push(item.id);
    }
  }
  return { ok: problems.every((p) => p.severity !== 'error'), problems, stats };
}

async function readSample(repo: Repository, index: RepoIndex, percent: number, options: CheckOptions,
  badPacks: Map<number, CheckProblem>, badBlobs: Map<string, CheckProblem>,
  add: (severity: 'error', code: string, object: string, message: string) => CheckProblem, stats: CheckReport['stats']): Promise<void> {
  const seed = options.sampleSeed ?? Math.random().toString(36);
  const chosen = index.packIds.map((id, n) => ({ id, n })).filter(({ id, n }) => {
    if (badPacks.has(n)) return false;
    return percent >= 100 || createHash('sha256').update(`${seed}:${id}`).digest().readUInt32LE(0) / 4294967296 < percent / 100;
  });
  const blobs = new Map<number, IndexedBlob[]>(chosen.map(({ n }) => [n, []]));
  index.table.forEach((_slot, at) => blobs.get(at.pack)?.push({ offset: at.offset, length: at.length }));
  let done = 0;
  for (const { id, n } of chosen) {
    options.onProgress?.('read-data', done++, chosen.length);
    const verdict = await verifyPack(repo, id, blobs.get(n)!);
    blobs.delete(n);
    stats.packsRead += 1;
    stats.blobsRead += verdict.blobs;
    stats.bytesRead += verdict.bytes;
    if (verdict.problems.length === 0) continue;
    const problem = add('error', 'pack-damaged', repo.store.name('packs', id), verdict.problems.join('; '));
    for (const offset of verdict.badOffsets) badBlobs.set(`${n}:${offset}`, problem);
  }
}
