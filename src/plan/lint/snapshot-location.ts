// NOTES 4: a snapshot is a subvolume of the filesystem it was taken on; `btrfs subvolume snapshot` cannot
// place it on another pool. Every pool that snapshots anything needs its own snapshot directory.
import type { Finding, StoragePlan } from '../types.ts';
import { finding, poolSubject, shown, type RuleInfo } from './rule.ts';

export const SNAPSHOT_LOCATION_RULES: RuleInfo[] = [
  {
    id: 'snapshot-location-other-pool', title: 'snapshot directory on another pool', severity: 'error', notes: 'NOTES 4',
    description: 'A pool\'s snapshotLocation names a different pool. Snapshots live on the filesystem of their source, so they cannot be created there.',
  },
  {
    id: 'snapshot-location-missing', title: 'snapshots planned without a snapshot directory on the pool', severity: 'error', notes: 'NOTES 4',
    description: 'A pool has subvolumes with snapshot tiers but no snapshotLocation, or one that names a subvolume the pool does not have.',
  },
];

export function checkSnapshotLocationOtherPool(plan: StoragePlan): Finding[] {
  return plan.pools.filter((pool) => pool.snapshotLocation !== null && pool.snapshotLocation.pool !== pool.name).map((pool) =>
    finding('snapshot-location-other-pool', 'error', poolSubject(pool),
      `snapshots of pool ${shown(pool.name)} are planned in ${shown(pool.snapshotLocation!.pool)}/${shown(pool.snapshotLocation!.subvolume)}, another filesystem: a btrfs snapshot is created on the filesystem of its source and cannot be placed on another pool (btrfs send/receive copies, it does not snapshot).`,
      `give pool ${shown(pool.name)} its own snapshot subvolume (workload "snapshots", e.g. @snapshots) and point snapshotLocation at it`));
}

export function checkSnapshotLocationMissing(plan: StoragePlan): Finding[] {
  const findings: Finding[] = [];
  for (const pool of plan.pools) {
    const snapshotted = pool.subvolumes.filter((s) => s.snapshots !== null).map((s) => shown(s.name));
    if (snapshotted.length === 0) continue;
    const location = pool.snapshotLocation;
    // A location on another pool is the other rule's error; here only a missing one counts.
    if (location !== null && location.pool !== pool.name) continue;
    if (location !== null && pool.subvolumes.some((s) => s.name === location.subvolume)) continue;
    const what = location === null ? 'no snapshot location' : `a snapshot location ${shown(location.subvolume)} that is not a subvolume of this pool`;
    findings.push(finding('snapshot-location-missing', 'error', poolSubject(pool),
      `pool ${shown(pool.name)} snapshots ${snapshotted.join(', ')} but has ${what}; snapshots live on their source's filesystem, so this pool needs its own snapshot subvolume.`,
      `add a subvolume with workload "snapshots" (e.g. @snapshots mounted at /.snapshots) to pool ${shown(pool.name)}, or turn snapshots off for those subvolumes (overrides.subvolumes["<name>"].snapshot = false)`));
  }
  return findings;
}
