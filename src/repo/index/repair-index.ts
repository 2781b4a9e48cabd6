// repair-index: rebuild the index from the packs alone (docs/FORMAT.md §5.4). Every pack's trailer
// lists its blobs, sealed like everything else, so a damaged or lost index segment costs nothing as
// long as the packs are intact. Order: read and verify every trailer → PUT the new segments → DELETE
// the old ones (damaged or not). A crash before the deletes leaves duplicates, which readers accept
// (§3.5); running it again finishes the work. The caller holds the exclusive lock: a writer's packs
// and segments must not appear or vanish while the index is replaced.
import type { Repository } from '../repository.ts';
import type { IndexedPack } from './index-segment.ts';
import { openSegment } from './index-segment.ts';
import { writeSegments } from './write-segments.ts';
import { LENGTH_FIELD_BYTES, openTrailer } from '../pack/pack.ts';
import { mapLimit } from '../store.ts';

export interface RepairOptions {
  dryRun?: boolean;
  /** Entries per new segment (default 100,000). */
  segmentEntries?: number;
  onProgress?: (phase: string, done: number, total: number) => void;
  /** Called after the new segments are written, before any old one is deleted (the lock's verify()). */
  beforeDelete?: () => Promise<void>;
}

export interface UnreadablePack {
  pack: string;
  reason: string;
  /** An intact old segment listed it, so its entries were kept from there. */
  keptFromSegment: boolean;
}

export interface RepairReport {
  dryRun: boolean;
  packs: { listed: number; indexed: number; unreadable: UnreadablePack[] };
  chunks: number;
  segments: {
    /** Every segment before the repair. */
    before: string[];
    /** Those that could not be read (and what was wrong). */
    damaged: Array<{ object: string; reason: string }>;
    /** Written by this repair (empty in a dry run). */
    written: string[];
    /** Deleted by this repair (in a dry run: would be). */
    deleted: string[];
  };
  bytes: { read: number; written: number };
}

export async function repairIndex(repo: Repository, options: RepairOptions = {}): Promise<RepairReport> {
  const { store } = repo;
  const root = repo.secrets.objectRoot;
  const segments = await store.list('index');
  const packs = await store.list('packs');
  const report: RepairReport = {
    dryRun: options.dryRun === true,
    packs: { listed: packs.length, indexed: 0, unreadable: [] },
    chunks: 0,
    segments: { before: segments.map((s) => s.name), damaged: [], written: [], deleted: [] },
    bytes: { read: 0, written: 0 },
  };

  // What the old segments say, for packs whose own trailer cannot be read: never make the index worse.
  const fromSegments = new Map<string, IndexedPack>();
  for (const segment of segments) {
    try {
      for (const pack of openSegment(root, await store.read('index', segment.id))) if (!fromSegments.has(pack.id)) fromSegments.set(pack.id, pack);
    } catch (error) {
      report.segments.damaged.push({ object: segment.name, reason: (error as Error).message });
    }
  }

  let done = 0;
  const read = await mapLimit(packs, 4, async (pack) => {
    options.onProgress?.('trailers', done++, packs.length);
    try {
      const { entries, bytes } = await readPackTrailer(repo, pack.name, pack.size);
      report.bytes.read += bytes;
      return { id: pack.id, size: pack.size, entries } satisfies IndexedPack;
    } catch (error) {
      const old = fromSegments.get(pack.id);
      const usable = old !== undefined && old.size === pack.size;
      report.packs.unreadable.push({ pack: pack.name, reason: (error as Error).message, keptFromSegment: usable });
      return usable ? old : undefined;
    }
  });
  const records = read.filter((r): r is IndexedPack => r !== undefined);
  report.packs.indexed = records.length;
  report.chunks = records.reduce((n, r) => n + r.entries.length, 0);
  if (report.dryRun) {
    report.segments.deleted = [...report.segments.before];
    return report;
  }

  // 1. The new index, complete, before anything is deleted.
  const written = await writeSegments(repo, records, options.segmentEntries);
  report.segments.written = written.ids.map((id) => store.name('index', id));
  report.bytes.written = written.bytes;
  await options.beforeDelete?.();
  // 2. Every old segment: damaged ones hold nothing usable, intact ones only what the packs said again.
  const fresh = new Set(written.ids);
  for (const segment of segments) {
    if (fresh.has(segment.id)) continue;
    await store.delete('index', segment.id);
    report.segments.deleted.push(segment.name);
  }
  repo.reloadIndex();
  return report;
}

/** A pack's trailer by two ranged reads (its length field, then the trailer): never the blobs. */
async function readPackTrailer(repo: Repository, name: string, size: number): Promise<{ entries: IndexedPack['entries']; bytes: number }> {
  if (size < LENGTH_FIELD_BYTES) throw new Error('pack is too short to hold a trailer');
  const lengthField = Buffer.from(await repo.backend.get(name, { offset: size - LENGTH_FIELD_BYTES, length: LENGTH_FIELD_BYTES }));
  if (lengthField.length !== LENGTH_FIELD_BYTES) throw new Error('pack ended while reading its trailer length');
  const trailerLength = lengthField.readUInt32LE(0);
  const trailerStart = size - LENGTH_FIELD_BYTES - trailerLength;
  if (trailerStart < 0) throw new Error(`trailer length ${trailerLength} exceeds the pack`);
  const sealed = await repo.backend.get(name, { offset: trailerStart, length: trailerLength });
  if (sealed.length !== trailerLength) throw new Error('pack ended inside its trailer');
  return { entries: openTrailer(repo.secrets.objectRoot, sealed, trailerStart), bytes: LENGTH_FIELD_BYTES + trailerLength };
}
