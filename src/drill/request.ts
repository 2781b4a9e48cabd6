// What the drill's inner process is told: everything it needs as plain data, secrets only as file
// paths (the same files the repository is opened with everywhere else).
import type { RepoLocation } from '../backup/open.ts';
import type { StoragePlan } from '../plan/types.ts';
import type { DrillLevel } from './types.ts';

export interface DrillRequest {
  level: DrillLevel;
  location: RepoLocation;
  /**
   * The host's plan: the RTO objective, the subvolumes that should have backups, their database
   * hooks and where their snapshots are. A disaster drill uses it for the objective alone.
   */
  plan: StoragePlan | null;
  /** Where the plan's mount points are (/ on the host itself). */
  root: string;
  scratchDir: string;
  /** Download budget in USD; null = none (a local repository costs nothing to read). */
  budgetUsd: number | null;
  periodWeeks: number;
  /** The host's state directory (the record of points `backup check` compares); absent for a disaster drill. */
  stateDir: string | null;
  /** From the drill state: the rotation under the download budget. */
  lastRestoredAt: Record<string, string>;
  now: string;
}
