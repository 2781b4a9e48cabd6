// `panther backup prune`: decide which points the plan's retention keeps (with every chain parent a
// kept point needs), then let the repository delete the rest and the data only they used.
import type { StoragePlan } from '../plan/types.ts';
import type { PruneReport, RepositoryWriter } from '../repo/index.ts';
import { decidePoints, pointTiers, type PointDecision } from './point-retention.ts';
import { loadPoints } from './points.ts';
import { forgetPoints } from './point-record.ts';

export interface BackupPruneReport {
  decisions: PointDecision[];
  repository: PruneReport;
}

/** `stateDir`: where the host's record of completed points is; pruned points leave it before they leave the repository. */
export async function backupPrune(repo: RepositoryWriter, plan: StoragePlan, now: string, dryRun: boolean, stateDir?: string): Promise<BackupPruneReport> {
  const points = await loadPoints(repo);
  const decisions: PointDecision[] = [];
  for (const subvolume of [...new Set(points.map((p) => p.subvolume))]) {
    const mine = points.filter((p) => p.subvolume === subvolume);
    decisions.push(...decidePoints(mine, pointTiers(plan, subvolume), plan.snapshots.timezone, now));
  }
  const keep = decisions.filter((d) => d.keep).map((d) => d.id);
  const beforeDelete = stateDir === undefined ? undefined
    : (ids: readonly string[]): Promise<void> => forgetPoints(stateDir, repo.host, repo.id, ids, new Date().toISOString());
  return { decisions, repository: await repo.prune(keep, { dryRun, ...(beforeDelete === undefined ? {} : { beforeDelete }) }) };
}
