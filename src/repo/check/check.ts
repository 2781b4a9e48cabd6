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
import { descendants, unreferenced } from './references.ts';
import type { RecordedPoint } from './references.ts';
import { formatBytes } from '../../core/bytes.ts';

export type { RecordedPoint } from './references.ts';

export interface CheckOptions {
  /** Percentage (0–100) of packs to download and verify blob by blob. Default 0. */
  readData?: number;
  /** Seed of the pack sample; default random, so repeated checks cover different packs. */
  sampleSeed?: string;
  /**
   * Read slice `index` of `of` instead of a random percentage: a pack is in the slice its id's hash
   * falls into, so checks that step `index` through 0…of-1 read every pack once (restore drills).
   */
  slice?: { index: number; of: number };
  onProgress?: (phase: string, done: number, total: number) => void;
  /**
   * The points this host recorded as completed in this repository (backup/point-record.ts): each one
   * missing from the repository is an error. Absent = no record to compare with.
   */
  recorded?: readonly RecordedPoint[];
}

export interface CheckProblem {
  severity: 'error' | 'warning';
  code: string;
  object: string;
  message: string;
  /** Backup points (manifest ids) that cannot be restored intact because of this. */
  manifests: string[];
  /** What to do about it, when there is a command for it. */
  hint?: string;
}

export const REPAIR_INDEX_HINT = 'panther backup repair-index rebuilds the index from the pack trailers (--dry-run shows what it would do)';

export interface CheckReport {
  ok: boolean;
  problems: CheckProblem[];
  stats: {
    manifests: number; indexSegments: number; packs: number; chunks: number; packsRead: number; blobsRead: number; bytesRead: number;
    /** Indexed packs no backup point uses a chunk of, and their bytes: what prune deletes outright. */
    unreferencedPacks: number; unreferencedPackBytes: number;
    /** Unused chunks inside packs that are still used (prune repacks a pack once 25 % is unused). */
    unreferencedChunks: number; unreferencedChunkBytes: number;
    /** Packs in no index segment, and their bytes (prune deletes them). */
    unindexedPacks: number; unindexedBytes: number;
  };
}

export async function checkRepository(repo: Repository, options: CheckOptions = {}): Promise<CheckReport> {
  const problems: CheckProblem[] = [];
  const add = (severity: CheckProblem['severity'], code: string, object: string, message: string): CheckProblem => {
    const p = { severity, code, object, message, manifests: [] };
    problems.push(p);
    return p;
  };
  const stats: CheckReport['stats'] = {
    manifests: 0, indexSegments: 0, packs: 0, chunks: 0, packsRead: 0, blobsRead: 0, bytesRead: 0,
    unreferencedPacks: 0, unreferencedPackBytes: 0, unreferencedChunks: 0, unreferencedChunkBytes: 0, unindexedPacks: 0, unindexedBytes: 0,
  };
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
  const damagedSegments = index.damaged.map((d) => Object.assign(add('error', 'index-damaged', d.object, d.reason), { hint: REPAIR_INDEX_HINT }));

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
  for (const [id, size] of stored) {
    if (index.packNumber(id) !== undefined) continue;
    stats.unindexedPacks += 1;
    stats.unindexedBytes += size;
    add('warning', 'pack-unindexed', store.name('packs', id), `pack is in no index segment (left by an interrupted run); prune removes it and reclaims ${formatBytes(size)}`);
  }

  const badBlobs = new Map<string, CheckProblem>();
  const percent = Math.min(100, Math.max(0, options.readData ?? 0));
  if (percent > 0 || options.slice !== undefined) await readSample(repo, index, percent, options, badPacks, badBlobs, add, stats);

  // One pass over manifests: unreadable ones, chunks the index lacks, chunks in damaged places.
  const manifestsListed = await store.list('manifests', foreign);
  // Reported only now, so foreign names under manifests/ are seen too. A name that continues a valid
  // object name ("manifests/<id>/x") means that object was replaced by a directory: the object is gone.
  for (const name of foreign) {
    const shadowed = name.split('/').slice(0, -1).join('/');
    if (store.isObjectName(shadowed)) add('error', 'object-not-a-file', shadowed, 'a directory stands where this object belongs: the object is lost (restore it from a copy of the repository, or prune and back up again)');
    else add('warning', 'foreign-object', name, 'not a Panther object name; ignored');
  }
  stats.manifests = manifestsListed.length;
  const allIds = new Set(manifestsListed.map((m) => m.id));
  // Which index slots some readable point uses, and each point's parent, for the checks after the loop.
  const used = new Uint8Array(index.table.capacity);
  const parents = new Map<string, string | null>();
  let unreadable = 0;
  let done = 0;
  for (const item of manifestsListed) {
    options.onProgress?.('manifests', done++, manifestsListed.length);
    let manifest;
    try {
      manifest = await repo.manifests.read(item.id);
    } catch (error) {
      add('error', 'manifest-damaged', item.name, (error as { details?: { reason?: string } }).details?.reason ?? (error as Error).message).manifests.push(item.id);
      unreadable += 1;
      continue;
    }
    parents.set(item.id, manifest.head.parent);
    let missing = 0;
    const hits = new Set<CheckProblem>();
    const n = chunkCount(manifest);
    stats.chunks += n;
    for (let i = 0; i < n; i++) {
      const slot = index.table.find(chunkRef(manifest, i).id);
      if (slot < 0) { missing += 1; continue; }
      used[slot] = 1;
      const at = index.table.at(slot);
      const problem = badPacks.get(at.pack) ?? badBlobs.get(`${at.pack}:${at.offset}`);
      if (problem !== undefined) hits.add(problem);
    }
    for (const problem of hits) problem.manifests.push(item.id);
    if (missing > 0) {
      const note = damagedSegments.length > 0 ? ' (damaged index segments may have listed them)' : '';
      const problem = add('error', 'chunk-missing', item.name, `${missing} of ${n} chunks are in no index segment${note}`);
      problem.manifests.push(item.id);
      // A lost or damaged segment leaves its packs whole: their trailers still list the chunks.
      problem.hint = `${REPAIR_INDEX_HINT}; chunks in no pack at all are lost, and a fresh full backup replaces the point`;
      for (const problem of damagedSegments) problem.manifests.push(item.id);
    }
  }
  // A point is restorable only with its whole chain: a gone parent makes it, and every point after
  // it, unrestorable (restore receives the full stream first, then each incremental).
  for (const [id, parent] of parents) {
    if (parent === null || allIds.has(parent)) continue;
    const problem = add('error', 'parent-missing', store.name('manifests', id), `parent backup point ${parent} is gone, so this point's chain is incomplete and it cannot be restored`);
    problem.manifests.push(...descendants(parents, [id]));
    problem.hint = 'restore the parent\'s manifest from a copy of the repository if there is one; the next backup run sends a full stream instead of building on this chain';
  }
  // Points this host completed that the repository no longer has: deleted outside prune, a bucket
  // rolled back, objects dropped. Their children are caught above; the points themselves only here.
  for (const point of options.recorded ?? []) {
    if (allIds.has(point.id)) continue;
    const vanished = add('error', 'point-vanished', store.name('manifests', point.id),
      `backup point ${point.id} (${point.subvolume} ${point.snapshot}, completed ${point.time}) is recorded as completed on this host but is gone from the repository`);
    vanished.manifests.push(...descendants(parents, [point.id]));
    vanished.hint = 'restore its manifest from a copy of the repository; if it was deleted on purpose (a prune run elsewhere), remove its entry from the host\'s record of completed points (--state-dir)';
  }
  if (index.damaged.length === 0) reportUnreferenced(index, used, unreadable, stats, add, `${host}/packs/`);
  return { ok: problems.every((p) => p.severity !== 'error'), problems, stats };
}

/** Data no point references: a warning (interrupted uploads leave it; so does a lost manifest). */
function reportUnreferenced(index: RepoIndex, used: Uint8Array, unreadable: number, stats: CheckReport['stats'],
  add: (severity: 'warning', code: string, object: string, message: string) => CheckProblem, packsPrefix: string): void {
  const found = unreferenced(index, used);
  stats.unreferencedPacks = found.packs.length;
  stats.unreferencedPackBytes = found.packBytes;
  stats.unreferencedChunks = found.chunks;
  stats.unreferencedChunkBytes = found.chunkBytes;
  const caveat = unreadable > 0 ? `; ${unreadable} damaged manifest(s) may use some of it` : '';
  if (found.packs.length > 0) {
    add('warning', 'packs-unreferenced', packsPrefix,
      `${found.packs.length} pack(s) (${formatBytes(found.packBytes)}) hold no chunk any backup point references (left by interrupted uploads, or by points that are gone); backup prune would reclaim ${formatBytes(found.packBytes)}${caveat}`);
  }
  if (found.chunks > 0) {
    add('warning', 'chunks-unreferenced', packsPrefix,
      `${found.chunks} chunk(s) (${formatBytes(found.chunkBytes)}) in packs still in use are referenced by no backup point; prune repacks a pack once 25 % of it is unused${caveat}`);
  }
}

async function readSample(repo: Repository, index: RepoIndex, percent: number, options: CheckOptions,
  badPacks: Map<number, CheckProblem>, badBlobs: Map<string, CheckProblem>,
  add: (severity: 'error', code: string, object: string, message: string) => CheckProblem, stats: CheckReport['stats']): Promise<void> {
  const seed = options.sampleSeed ?? Math.random().toString(36);
  const slice = options.slice;
  const chosen = index.packIds.map((id, n) => ({ id, n })).filter(({ id, n }) => {
    if (badPacks.has(n)) return false;
    if (slice !== undefined) return packSlice(id, slice.of) === slice.index;
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

/** Which of `of` slices a pack belongs to: fixed by its id, so slices partition the packs. */
export function packSlice(packId: string, of: number): number {
  return createHash('sha256').update(`slice:${packId}`).digest().readUInt32LE(0) % of;
}
