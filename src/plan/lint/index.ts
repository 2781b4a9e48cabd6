// `panther lint`: judges a StoragePlan against what btrfs, NixOS and the host's objectives allow
// (NOTES.md items 1–8, plus layouts that cannot work at all). Every rule is a pure function of the plan;
// this file runs them all, applies the inventory's acknowledgements and orders the result, errors first.
import type { Finding, Severity, StoragePlan } from '../types.ts';
import { ACKNOWLEDGE_RULES, applyAcknowledgements } from './acknowledge.ts';
import { checkContradictoryOptions, CONTRADICTORY_OPTION_RULES } from './contradictory-options.ts';
import { checkAutodefragWithDatabases, checkDefaultOptions, checkSpaceCacheV1, DEFAULT_OPTION_RULES } from './defaults.ts';
import { checkCompressionLevelPerSubvolume, checkFsOptionDiffers, checkFsOptionPerSubvolume, FS_OPTION_RULES } from './fs-options.ts';
import { checkDuplicateMountPoint, checkMountPointReserved, checkMountUnderNocow, checkNoRootSubvolume, MOUNT_POINT_RULES } from './mount-points.ts';
import { checkDuplicateSubvolumes, checkInvalidNames, NAME_RULES } from './names.ts';
import { checkNixNocow, checkNixNocowRequested, checkNocowCompressed, checkNocowNoChecksums, NOCOW_RULES } from './nocow.ts';
import { checkProfileNotPinned, PROFILE_SOURCE_RULES } from './profile-source.ts';
import { checkRequestedOptions, REQUESTED_OPTION_RULES } from './requested-options.ts';
import { checkNocowFrequentSnapshots, checkRpoGap, checkRpoNoCritical, RPO_RULES } from './rpo.ts';
import type { Check, RuleInfo } from './rule.ts';
import { checkSnapshotLocationMissing, checkSnapshotLocationOtherPool, SNAPSHOT_LOCATION_RULES } from './snapshot-location.ts';
import { checkSwapBackedUp, checkSwapCow, checkSwapShared, checkSwapSize, checkSwapSnapshotted, SWAP_RULES } from './swap.ts';
import { checkUnknownOptions, UNKNOWN_OPTION_RULES } from './unknown-option.ts';

export type { RuleInfo } from './rule.ts';

/** Every rule, in the order of NOTES.md and then the plans that cannot work. */
export const RULES: readonly RuleInfo[] = [
  ...FS_OPTION_RULES, ...REQUESTED_OPTION_RULES, ...CONTRADICTORY_OPTION_RULES, ...NOCOW_RULES,
  ...SNAPSHOT_LOCATION_RULES, ...SWAP_RULES, ...DEFAULT_OPTION_RULES, ...PROFILE_SOURCE_RULES, ...RPO_RULES,
  ...MOUNT_POINT_RULES, ...UNKNOWN_OPTION_RULES, ...NAME_RULES, ...ACKNOWLEDGE_RULES,
];

export const CHECKS: readonly Check[] = [
  checkFsOptionPerSubvolume, checkFsOptionDiffers, checkCompressionLevelPerSubvolume,
  checkRequestedOptions, checkContradictoryOptions,
  checkNixNocow, checkNixNocowRequested, checkNocowCompressed, checkNocowNoChecksums,
  checkSnapshotLocationOtherPool, checkSnapshotLocationMissing,
  checkSwapCow, checkSwapSnapshotted, checkSwapBackedUp, checkSwapShared, checkSwapSize,
  checkDefaultOptions, checkSpaceCacheV1, checkAutodefragWithDatabases,
  checkProfileNotPinned,
  checkRpoGap, checkRpoNoCritical, checkNocowFrequentSnapshots,
  checkDuplicateMountPoint, checkMountUnderNocow, checkNoRootSubvolume, checkMountPointReserved,
  checkUnknownOptions, checkInvalidNames, checkDuplicateSubvolumes,
];

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2, note: 3 };

export function lintPlan(plan: StoragePlan): Finding[] {
  const findings = applyAcknowledgements(plan, CHECKS.flatMap((check) => check(plan)));
  // Array.prototype.sort is stable, so rule order is kept within a severity.
  return findings.sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}

export function summarize(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, note: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return counts;
}
