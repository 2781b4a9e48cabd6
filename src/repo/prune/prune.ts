// prune(keep): deletes the backup points not in `keep` and the data only they used. Which points
// to keep is decided elsewhere (chain-aware selection in backup/); prune trusts the set it gets.
// Crash-safe order (docs/FORMAT.md §5.3): manifests → new packs → new index → old index → old packs.
// After every step each remaining manifest's chunks are indexed in packs that exist.
// Must not run while a writer runs on the same host (the writer may dedup against a pack prune is
// deleting): the caller holds the repository's exclusive lock.
import type { Repository } from '../repository.ts';
import { loadIndex } from '../index/repo-index.ts';
import type { IndexedPack } from '../index/index-segment.ts';
import { openSegment } from '../index/index-segment.ts';
import { writeSegments } from '../index/write-segments.ts';
import { chunkCount, chunkRef } from '../manifest/manifest.ts';
import { refused } from '../errors.ts';
import type { PackDecision, PrunePolicy } from './plan-prune.ts';
import { DEFAULT_PRUNE_POLICY, planPacks } from './plan-prune.ts';
import { repackPacks } from './repack.ts';

export interface PruneOptions extends Partial<PrunePolicy> {
  /** Decide and report, change nothing. */
  dryRun?: boolean;
  /** Entries per new index segment. Default 100,000 (~4.4 MB). */
  segmentEntries?: number;
  /**
   * Called with the backup points about to be deleted, after every refusal check and before the
   * first delete: the host's record of completed points forgets them first (backup/point-record.ts).
   */
  beforeDelete?: (manifests: readonly string[]) => Promise<void>;
}

export interface PruneReport {
  dryRun: boolean;
  deletedManifests: string[];
  packs: { kept: number; repacked: number; deleted: number; unindexedDeleted: number; created: number };
  bytes: { deleted: number; written: number };
  indexSegments: { before: number; after: number };
  decisions: PackDecision[];
}

export async function prune(repo: Repository, keep: Iterable<string>, options: PruneOptions = {}): Promise<PruneReport> {
  const policy: PrunePolicy = { ...DEFAULT_PRUNE_POLICY, ...options };
  const keepIds = new Set(keep);
  const listed = await repo.store.list('manifests');
  const existing = new Set(listed.map((m) => m.id));
  const unknown = [...keepIds].filter((id) => !existing.has(id));
  if (unknown.length > 0) throw refused('unknown-manifest', `cannot keep backup points that do not exist: ${unknown.join(', ')}`, 'pass ids from the manifest list');
  const index = await loadIndex(repo.store, repo.secrets.objectRoot);
  if (index.damaged.length > 0) {
    throw refused('prune-refused', `index segment(s) ${index.damaged.map((d) => d.object).join(', ')} are damaged; prune could delete data they list`, 'panther backup repair-index rebuilds the index from the pack trailers; then prune again');
  }
  const used = new Uint8Array(index.table.capacity);
  for (const id of keepIds) {
    const manifest = await repo.manifests.read(id);
    for (let i = 0; i < chunkCount(manifest); i++) {
      const slot = index.table.find(chunkRef(manifest, i).id);
      if (slot < 0) throw refused('prune-refused', `backup point ${id} has chunks in no index segment`, 'run panther backup check; if packs hold them, panther backup repair-index puts them back in the index; prune only runs on a consistent repository');
      used[slot] = 1;
    }
  }
  const decisions = planPacks(index, used, policy, repo.params.packSize);
  const storedPacks = await repo.store.list('packs');
  const unindexed = storedPacks.filter((p) => index.packNumber(p.id) === undefined);
  const sizeOf = (n: number): number => index.packSizes[n]!;
  const report: PruneReport = {
    dryRun: options.dryRun === true,
    deletedManifests: listed.filter((m) => !keepIds.has(m.id)).map((m) => m.id),
    packs: {
      kept: decisions.filter((d) => d.action === 'keep').length,
      repacked: decisions.filter((d) => d.action === 'repack').length,
      deleted: decisions.filter((d) => d.action === 'delete').length,
      unindexedDeleted: unindexed.length,
      created: 0,
    },
    bytes: {
      deleted: decisions.filter((d) => d.action !== 'keep').reduce((a, d) => a + sizeOf(d.pack), 0) + unindexed.reduce((a, p) => a + p.size, 0),
      written: 0,
    },
    indexSegments: { before: index.segments.size, after: index.segments.size },
    decisions,
  };
  if (report.dryRun) return report;

  await options.beforeDelete?.(report.deletedManifests);
  // 1. Backup points go first: from here on nothing references what is about to go.
  for (const id of report.deletedManifests) await repo.manifests.delete(id);
  // 2. New packs for the blobs still used in mostly-garbage packs.
  const repack = decisions.filter((d) => d.action === 'repack').map((d) => d.pack);
  const repacked = await repackPacks(repo, index, repack, used);
  report.packs.created = repacked.packs.length;
  report.bytes.written += repacked.storedBytes;
  // 3. The new index: every kept pack (entries re-read from the old segments, which hold the full
  //    chunk ids the in-memory table does not) plus the new packs.
  const kept = new Set(decisions.filter((d) => d.action === 'keep').map((d) => index.packIds[d.pack]!));
  const records: IndexedPack[] = [...repacked.packs];
  const seen = new Set<string>();
  for (const segment of index.segments.keys()) {
    for (const pack of openSegment(repo.secrets.objectRoot, await repo.store.read('index', segment))) {
      if (kept.has(pack.id) && !seen.has(pack.id)) { seen.add(pack.id); records.push(pack); }
    }
  }
  const newSegments = await writeSegments(repo, records, options.segmentEntries ?? 100_000);
  report.bytes.written += newSegments.bytes;
  report.indexSegments.after = newSegments.ids.length;
  // 4. Old index segments, then 5. the packs no segment lists any more.
  const fresh = new Set(newSegments.ids);
  for (const segment of index.segments.keys()) if (!fresh.has(segment)) await repo.store.delete('index', segment);
  for (const d of decisions) if (d.action !== 'keep') await repo.store.delete('packs', index.packIds[d.pack]!);
  for (const pack of unindexed) await repo.store.delete('packs', pack.id);
  repo.reloadIndex();
  return report;
}
