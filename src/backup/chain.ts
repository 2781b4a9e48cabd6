// Chain selection: send a snapshot in full or incrementally, and against which parent. Pure.
import { PantherError } from '../core/errors.ts';
//
// Mechanism (docs/DECISIONS.md): incremental sends against the newest point whose snapshot is still
// on disk, until the chain reaches `maxChain` points; then a full send. A full send of a mostly
// unchanged subvolume is a mostly unchanged stream, so content-defined chunking dedups it against
// what is stored and it uploads little more than an incremental would. Chains therefore stay short
// (restore reads at most maxChain streams, retention can free an old full without re-uploading), and
// no point ever depends on one that retention wants gone for longer than maxChain backups.

export interface PointView {
  id: string;
  subvolume: string;
  snapshotUuid: string;
  snapshotName: string;
  /** Snapshot time (ISO). */
  time: string;
  parent: string | null;
}

export interface SnapshotView {
  name: string;
  uuid: string;
  time: string;
}

export type SendChoice =
  | { kind: 'skip'; reason: string; point: string }
  | { kind: 'full'; reason: string }
  | { kind: 'incremental'; reason: string; parentPoint: string; parentSnapshot: string; chainLength: number };

export const DEFAULT_MAX_CHAIN = 14;

/** Number of points a restore of `id` reads: itself plus its ancestors. */
export function chainLength(points: ReadonlyMap<string, PointView>, id: string): number {
  let n = 0;
  for (let cur: string | null = id; cur !== null; cur = points.get(cur)?.parent ?? null) {
    n++;
    if (n > points.size + 1) throw new Error(`backup point chain of ${id} has a cycle`);
  }
  return n;
}

/** The chain of `id`, oldest (the full stream) first. */
export function chainOf(points: ReadonlyMap<string, PointView>, id: string): string[] {
  const chain: string[] = [];
  for (let cur: string | null = id; cur !== null; cur = points.get(cur)?.parent ?? null) {
    if (!points.has(cur)) {
      throw new PantherError('chain-broken', `backup point ${cur.slice(0, 12)} (in the restore chain of ${id.slice(0, 12)}) is missing or damaged`, {
        hint: 'panther backup check --read-data 100 names the damaged objects; restore an older point whose chain is intact',
      });
    }
    chain.unshift(cur);
    if (chain.length > points.size) throw new Error(`backup point chain of ${id} has a cycle`);
  }
  return chain;
}

/** Every point from `id` back to its full stream exists. */
function chainComplete(points: ReadonlyMap<string, PointView>, id: string): boolean {
  let n = 0;
  for (let cur: string | null = id; cur !== null; cur = points.get(cur)!.parent) {
    if (!points.has(cur) || ++n > points.size) return false;
  }
  return true;
}

/** `ids` plus every point whose chain runs through one of them: what damage to `ids` costs. */
export function withDescendants(points: readonly PointView[], ids: Iterable<string>): string[] {
  const affected = new Set(ids);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of points) {
      if (p.parent !== null && affected.has(p.parent) && !affected.has(p.id)) { affected.add(p.id); grew = true; }
    }
  }
  return [...affected];
}

export function selectSend(target: SnapshotView, subvolume: string, onDisk: readonly SnapshotView[], points: readonly PointView[], maxChain = DEFAULT_MAX_CHAIN): SendChoice {
  const mine = points.filter((p) => p.subvolume === subvolume);
  const done = mine.find((p) => p.snapshotUuid === target.uuid);
  if (done !== undefined) return { kind: 'skip', reason: `${target.name} is already backed up`, point: done.id };
  const byId = new Map(points.map((p) => [p.id, p]));
  const disk = new Set(onDisk.map((s) => s.uuid));
  const candidates = mine
    .filter((p) => disk.has(p.snapshotUuid) && Date.parse(p.time) < Date.parse(target.time))
    .sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
  // An incremental on a point whose chain is incomplete could never be restored either.
  const parent = candidates.find((p) => chainComplete(byId, p.id));
  if (parent === undefined) {
    const reason = mine.length === 0 ? 'first backup of this subvolume'
      : candidates.length > 0 ? `the chain of ${candidates[0]!.snapshotName} is incomplete (a point before it is gone): a full send starts a new one`
        : 'no earlier backed-up snapshot is still on disk to send against';
    return { kind: 'full', reason };
  }
  const length = chainLength(byId, parent.id) + 1;
  if (length > maxChain) return { kind: 'full', reason: `the chain would reach ${length} streams (limit ${maxChain}): a full send, deduplicated against the store, starts a new one` };
  return { kind: 'incremental', reason: `incremental against ${parent.snapshotName}`, parentPoint: parent.id, parentSnapshot: parent.snapshotName, chainLength: length };
}
