// The repository's index in memory: every index segment loaded into one IndexTable, packs numbered,
// and a note of every segment that could not be read. A damaged segment does not stop a backup
// (its chunks are simply stored again); restore, check and prune say which segment it was.
import type { IndexTable, Location } from './index-table.ts';
import { IndexTable as Table } from './index-table.ts';
import type { IndexedPack } from './index-segment.ts';
import { openSegment } from './index-segment.ts';
import type { ObjectStore } from '../store.ts';
import { mapLimit } from '../store.ts';
import { DamagedObject } from '../errors.ts';

export interface Damage {
  object: string;
  reason: string;
}

export interface BlobLocation {
  packId: string;
  offset: number;
  length: number;
}

export class RepoIndex {
  readonly table: IndexTable = new Table();
  readonly packIds: string[] = [];
  readonly packSizes: number[] = [];
  /** Sum of entry lengths per pack, duplicates included: the pack's blob bytes as indexed. */
  readonly packEntryBytes: number[] = [];
  /** Index segment id → pack numbers it lists. */
  readonly segments = new Map<string, number[]>();
  readonly damaged: Damage[] = [];
  /** Entries for chunks already indexed in another place (crash leftovers, interrupted repacks). */
  duplicates = 0;
  readonly #numbers = new Map<string, number>();
  readonly #withEntries = new Set<number>();

  packNumber(id: string): number | undefined {
    return this.#numbers.get(id);
  }

  #numberFor(id: string, size: number): number {
    let n = this.#numbers.get(id);
    if (n === undefined) {
      n = this.packIds.length;
      this.#numbers.set(id, n);
      this.packIds.push(id);
      this.packSizes.push(size);
      this.packEntryBytes.push(0);
    }
    return n;
  }

  /** Adds a pack's entries (from a segment, or from the writer before its segment is stored). */
  addPack(pack: IndexedPack, segment?: string): number {
    const n = this.#numberFor(pack.id, pack.size);
    if (segment !== undefined) {
      const list = this.segments.get(segment) ?? [];
      list.push(n);
      this.segments.set(segment, list);
    }
    // A pack listed by two segments (a writer's per-pack segment and its merged one, left side by
    // side by a crash) has the same entries in both: take them once.
    if (this.#withEntries.has(n)) return n;
    this.#withEntries.add(n);
    for (const e of pack.entries) {
      this.packEntryBytes[n] = this.packEntryBytes[n]! + e.length;
      if (!this.table.add(e.id, { pack: n, offset: e.offset, length: e.length })) this.duplicates += 1;
    }
    return n;
  }

  has(id: Uint8Array): boolean {
    return this.table.find(id) >= 0;
  }

  lookup(id: Uint8Array): BlobLocation | undefined {
    const at: Location | undefined = this.table.get(id);
    if (at === undefined) return undefined;
    return { packId: this.packIds[at.pack]!, offset: at.offset, length: at.length };
  }
}

/** Loads every index segment of the store (four reads in flight). */
export async function loadIndex(store: ObjectStore, objectRoot: Uint8Array): Promise<RepoIndex> {
  const index = new RepoIndex();
  const listed = await store.list('index');
  const loaded = await mapLimit(listed, 4, async (item) => {
    try {
      return { id: item.id, packs: openSegment(objectRoot, await store.read('index', item.id)) };
    } catch (error) {
      const reason = error instanceof DamagedObject ? error.message : `cannot be opened: ${(error as Error).message}`;
      index.damaged.push({ object: item.name, reason });
      return undefined;
    }
  });
  for (const segment of loaded) {
    if (segment === undefined) continue;
    for (const pack of segment.packs) index.addPack(pack, segment.id);
  }
  return index;
}
