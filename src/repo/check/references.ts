// What check needs besides verification: which points a lost one takes with it (its chain
// descendants), and which indexed data no point references. Pure functions over what check read.
import type { RepoIndex } from '../index/repo-index.ts';

/** A point a host recorded as completed (backup/point-record.ts), as check compares it. */
export interface RecordedPoint {
  id: string;
  subvolume: string;
  snapshot: string;
  /** When the point was completed. */
  time: string;
}

/** `ids` plus every point whose chain runs through one of them (`parents`: point → its parent). */
export function descendants(parents: ReadonlyMap<string, string | null>, ids: Iterable<string>): string[] {
  const affected = new Set(ids);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [id, parent] of parents) {
      if (parent !== null && affected.has(parent) && !affected.has(id)) { affected.add(id); grew = true; }
    }
  }
  return [...affected];
}

export interface Unreferenced {
  /** Pack numbers none of whose indexed chunks a point uses. */
  packs: number[];
  /** Their stored size: what prune deletes outright. */
  packBytes: number;
  /** Unused chunks in packs that some point still uses. */
  chunks: number;
  chunkBytes: number;
}

/** `used[slot]` = 1 for every index slot a readable point references. */
export function unreferenced(index: RepoIndex, used: Uint8Array): Unreferenced {
  const usedBytes = new Array<number>(index.packIds.length).fill(0);
  const unusedChunks = new Array<number>(index.packIds.length).fill(0);
  const unusedBytes = new Array<number>(index.packIds.length).fill(0);
  index.table.forEach((slot, at) => {
    if (used[slot] === 1) usedBytes[at.pack] = usedBytes[at.pack]! + at.length;
    else { unusedChunks[at.pack] = unusedChunks[at.pack]! + 1; unusedBytes[at.pack] = unusedBytes[at.pack]! + at.length; }
  });
  const result: Unreferenced = { packs: [], packBytes: 0, chunks: 0, chunkBytes: 0 };
  index.packIds.forEach((_id, n) => {
    if (usedBytes[n] === 0) {
      result.packs.push(n);
      result.packBytes += index.packSizes[n]!;
    } else {
      result.chunks += unusedChunks[n]!;
      result.chunkBytes += unusedBytes[n]!;
    }
  });
  return result;
}
