import type { RepositoryReader } from '../repo/index.ts';
import type { PointView } from './chain.ts';

/** The repository's backup points as the chain and retention logic see them. */
export async function loadPoints(repo: RepositoryReader): Promise<PointView[]> {
  const entries = await repo.listManifests();
  return entries.flatMap((e) => e.head === undefined ? [] : [{
    id: e.id, subvolume: e.head.subvolume, snapshotUuid: e.head.snapshot.uuid, snapshotName: e.head.snapshot.name,
    time: e.head.snapshot.time, parent: e.head.parent,
  }]);
}
