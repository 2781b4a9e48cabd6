// Makes a plan real on block devices and checks a live system against it.
// Start with actions.ts (plan → ordered steps, pure; what --dry-run prints), then apply.ts (runs
// them through btrfs/), scale.ts (fit a plan onto small devices) and doctor/ (inspect + compare).
// Not here: deciding the layout (plan/) or running tools directly (btrfs/).
import { blockDeviceSize, findMounts, umount } from '../btrfs/index.ts';
import { ExitCode, PantherError } from '../core/errors.ts';
import type { StoragePlan } from '../plan/types.ts';
import { planActions, describeAction, type Action } from './actions.ts';
import { applyActions, type ApplyResult } from './apply.ts';
import { scalePlan } from './scale.ts';

export { planActions, describeAction, mountOrder, partitionsFor, mountOptionsFor } from './actions.ts';
export type { Action } from './actions.ts';
export { scalePlan } from './scale.ts';
export { runDoctor, diagnose } from './doctor/index.ts';
export type { DoctorReport } from './doctor/index.ts';

/** Points the plan's pools at the given devices and fits its sizes to them. */
export async function targetPlan(plan: StoragePlan, devices: Record<string, string>): Promise<StoragePlan> {
  const unknown = Object.keys(devices).filter((pool) => !plan.pools.some((p) => p.name === pool));
  const missing = plan.pools.filter((p) => devices[p.name] === undefined).map((p) => p.name);
  if (unknown.length > 0 || missing.length > 0) {
    throw new PantherError('device-mapping', `--device must name every pool exactly: ${[
      ...missing.map((p) => `pool ${p} has no --device`), ...unknown.map((p) => `the plan has no pool ${p}`)].join('; ')}`, {
      exitCode: ExitCode.usage, hint: `pools of ${plan.host}: ${plan.pools.map((p) => `--device ${p.name}=/dev/…`).join(' ')}`,
    });
  }
  const retargeted: StoragePlan = { ...plan, pools: plan.pools.map((p) => ({ ...p, device: devices[p.name]! })) };
  const sizes: Record<string, number> = {};
  for (const pool of retargeted.pools) sizes[pool.name] = await blockDeviceSize(pool.device);
  return scalePlan(retargeted, sizes);
}

export interface ProvisionResult {
  plan: StoragePlan;
  actions: Action[];
  steps: string[];
  dryRun: boolean;
  mounted: string[];
}

export async function provision(plan: StoragePlan, opts: { root: string; yes: boolean; dryRun: boolean; onStep?: (i: number, n: number, text: string) => void }): Promise<ProvisionResult> {
  const actions = planActions(plan);
  if (opts.dryRun) return { plan, actions, steps: actions.map(describeAction), dryRun: true, mounted: [] };
  const result: ApplyResult = await applyActions(plan, actions, opts);
  return { plan, actions, steps: result.steps, dryRun: false, mounted: result.mounted };
}

/** Unmounts everything at and below root, deepest first. */
export async function unmountRoot(root: string): Promise<string[]> {
  const mounts = (await findMounts(root)).map((m) => m.target).sort((a, b) => b.length - a.length);
  for (const target of mounts) await umount(target);
  return mounts;
}
