// `panther doctor`: inspect a live system, compare it with its plan, add the health checks that need
// no plan. inspect.ts is the only part that touches the system; the checks are pure.
import type { StoragePlan } from '../../plan/types.ts';
import { checkHealth } from './health-checks.ts';
import { inspect } from './inspect.ts';
import { checkIgnoredOptions, checkPlan } from './plan-checks.ts';
import type { PlanSource } from './plan-source.ts';
import { checkSnapshotDirs, inspectSnapshotDirs } from './snapshot-dirs.ts';
import { DEFAULT_THRESHOLDS, type DoctorFinding, type DoctorThresholds, type LiveState } from './types.ts';

export interface DoctorReport {
  root: string;
  host: string | null;
  /** Where the plan came from: --plan, the one recorded on the target, or both reconciled. */
  planSource: PlanSource | null;
  findings: DoctorFinding[];
  counts: { error: number; warning: number; info: number };
  state: LiveState;
}

export function diagnose(state: LiveState, plan: StoragePlan | null, thresholds: DoctorThresholds = DEFAULT_THRESHOLDS): DoctorFinding[] {
  const order = { error: 0, warning: 1, info: 2 } as const;
  return [
    ...(plan === null ? [] : checkPlan(plan, state)),
    ...checkIgnoredOptions(state),
    ...checkHealth(state, thresholds),
  ].sort((a, b) => order[a.severity] - order[b.severity]);
}

export async function runDoctor(opts: {
  root: string; plan: StoragePlan | null; fstab: string | null; now: Date; thresholds?: DoctorThresholds;
  planSource?: PlanSource | null; notes?: DoctorFinding[];
}): Promise<DoctorReport> {
  const state = await inspect(opts);
  const snapshotDirs = checkSnapshotDirs(await inspectSnapshotDirs(opts.root, opts.plan, state.mounts), opts.root);
  const order = { error: 0, warning: 1, info: 2 } as const;
  const findings = [...diagnose(state, opts.plan, opts.thresholds), ...snapshotDirs, ...(opts.notes ?? [])].sort((a, b) => order[a.severity] - order[b.severity]);
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return { root: opts.root, host: opts.plan?.host ?? null, planSource: opts.planSource ?? (opts.plan === null ? null : 'given'), findings, counts, state };
}

export type { DoctorFinding, LiveState } from './types.ts';
export { doctorPlan } from './plan-source.ts';
export type { PlanChoice, PlanSource } from './plan-source.ts';
