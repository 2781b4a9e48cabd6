// Makes a plan real on block devices and checks a live system against it.
// Start with actions.ts (plan → ordered steps, pure; what --dry-run prints), then apply.ts (runs
// them through btrfs/), scale.ts (fit a plan onto smaller devices), live-mounts.ts (which mounts
// below a root are the plan's), recorded-plan.ts (the plan as laid down, kept on the target) and
// doctor/ (inspect + compare).
// Not here: deciding the layout (plan/) or running tools directly (btrfs/).
import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { blockDeviceSize, devicesInUse, forgetPartitions, listAllMounts, showFilesystem, umount } from '../btrfs/index.ts';
import { ExitCode, PantherError } from '../core/errors.ts';
import { formatBytes } from '../core/bytes.ts';
import { lintPlan } from '../plan/lint/index.ts';
import type { StoragePlan } from '../plan/types.ts';
import { planActions, describeAction, type Action } from './actions.ts';
import { applyActions, type ApplyResult } from './apply.ts';
import { foreignMounts, isAtOrBelow, isOfDevice, selectUnmounts, type LabelledMount, type PlanOwnership } from './live-mounts.ts';
import { readRecordedPlan, recordPlan } from './recorded-plan.ts';
import { describeChange, fitPlan, type Fit } from './scale.ts';

export { planActions, describeAction, mountOrder, partitionsFor, mountOptionsFor, checkActionPaths } from './actions.ts';
export type { Action } from './actions.ts';
export { scalePlan, fitPlan, describeChange } from './scale.ts';
export type { Fit, SizeChange } from './scale.ts';
export { RECORDED_PLAN, recordedPlanPath, readRecordedPlan, recordPlan } from './recorded-plan.ts';
export { runDoctor, diagnose, doctorPlan } from './doctor/index.ts';
export type { DoctorReport } from './doctor/index.ts';

export interface TargetOptions {
  /** The user accepted a device smaller than the plan expects (--fit-to-device). */
  fitToDevice?: boolean;
}

/**
 * Points the plan's pools at the given devices and fits its sizes to them. A device smaller than
 * the plan expects is refused (exit 3, naming every size that would change) unless fitToDevice.
 */
export async function fitTarget(plan: StoragePlan, devices: Record<string, string>, opts: TargetOptions = {}): Promise<Fit> {
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
  const fit = fitPlan(retargeted, sizes);
  if (fit.smaller.length > 0 && opts.fitToDevice !== true) {
    const sizeChanges = fit.changes.filter((c) => c.what !== 'device');
    const smaller = fit.smaller.map((s) => `pool ${s.pool}: ${s.device} has ${formatBytes(s.deviceBytes)}, the plan expects ${formatBytes(s.plannedBytes)}`);
    throw new PantherError('device-smaller-than-planned', `refusing to provision onto a smaller device than planned:\n  ${smaller.join('\n  ')}\n  ${
      sizeChanges.length === 0 ? 'every planned size fits as it is; only the device is smaller' : `fitting would change:\n    ${sizeChanges.map(describeChange).join('\n    ')}`}`, {
      exitCode: ExitCode.refused, details: { smaller: fit.smaller, changes: fit.changes },
      hint: 'check that these are the right devices; to lay the plan onto them anyway pass --fit-to-device (the sizes applied are recorded in <root>/etc/panther/plan.json)',
    });
  }
  return fit;
}

/** fitTarget's plan alone. */
export async function targetPlan(plan: StoragePlan, devices: Record<string, string>, opts: TargetOptions = {}): Promise<StoragePlan> {
  return (await fitTarget(plan, devices, opts)).plan;
}

/** Refuses (exit 3) a plan with lint errors: errors cannot be acknowledged, and provision has no --force. */
export function checkLint(plan: StoragePlan): void {
  const errors = lintPlan(plan).filter((f) => f.severity === 'error');
  if (errors.length === 0) return;
  throw new PantherError('provision-refused', `the plan for ${plan.host} has ${errors.length} lint error(s); nothing was touched:\n  ${
    errors.map((e) => `${e.id} [${e.subject}]: ${e.message}`).join('\n  ')}`, {
    exitCode: ExitCode.refused, details: { findings: errors },
    hint: 'fix the plan (panther lint shows each fix); provision never lays down a plan with errors',
  });
}

async function resolveDevice(device: string): Promise<string> {
  return realpath(device).catch(() => device);
}

async function resolveRoot(root: string): Promise<string> {
  return realpath(root).catch(() => resolve(root));
}

/**
 * Refuses (exit 3) a root that is "/" or holds mounts not made from the plan's devices (the running
 * system, a tmpfs, a bind mount): provision would mount the new filesystems over them.
 */
export async function checkRoot(root: string, plan: StoragePlan, allowLiveRoot: boolean): Promise<void> {
  if (allowLiveRoot) return;
  const real = await resolveRoot(root);
  const devices = await Promise.all(plan.pools.map((p) => resolveDevice(p.device)));
  const foreign = foreignMounts(real, await listAllMounts(), devices);
  if (real !== '/' && foreign.length === 0) return;
  const shown = foreign.slice(0, 8).map((m) => `${m.target} (${m.fstype} from ${m.source})`);
  const what = real === '/' ? `--root ${root} is the running system's root` : `--root ${root} holds live mounts that are not made from the plan's devices`;
  throw new PantherError('live-root', `refusing to provision: ${what}${shown.length === 0 ? '' : `: ${shown.join(', ')}${foreign.length > shown.length ? `, … (${foreign.length} in all)` : ''}`}`, {
    subject: root, exitCode: ExitCode.refused, details: { root: real, mounts: foreign.map((m) => ({ target: m.target, source: m.source, fstype: m.fstype })) },
    hint: 'provision mounts the new filesystems over them and hides what is there: use an empty directory such as /mnt, unmount them first, or pass --allow-live-root if you really mean it',
  });
}

export interface ProvisionResult {
  plan: StoragePlan;
  actions: Action[];
  steps: string[];
  dryRun: boolean;
  mounted: string[];
  /** Where the plan as applied was recorded; null on a dry run. */
  recorded: string | null;
}

export interface ProvisionOptions {
  root: string;
  yes: boolean;
  dryRun: boolean;
  /** Provision below "/" or over live mounts (--allow-live-root). */
  allowLiveRoot?: boolean;
  onStep?: (i: number, n: number, text: string) => void;
}

export async function provision(plan: StoragePlan, opts: ProvisionOptions): Promise<ProvisionResult> {
  checkLint(plan);
  const actions = planActions(plan);
  if (opts.dryRun) return { plan, actions, steps: actions.map(describeAction), dryRun: true, mounted: [], recorded: null };
  await checkRoot(opts.root, plan, opts.allowLiveRoot === true);
  const result: ApplyResult = await applyActions(plan, actions, opts);
  const recorded = await recordPlan(opts.root, plan);
  return { plan, actions, steps: result.steps, dryRun: false, mounted: result.mounted, recorded };
}

export interface UnmountResult {
  unmounted: string[];
  kept: Array<{ target: string; reason: string }>;
  /** Kernel partition entries removed from the plan's loop devices (what provision's partx added). */
  forgotten: string[];
}

/**
 * Unmounts what provision mounted below root: only mounts of the plan's devices (or btrfs carrying
 * a pool's label), deepest first, never "/" itself. The plan is `plans` or, when none is given, the
 * one recorded below root; with mounts below root and no plan at all it refuses.
 */
export async function unmountRoot(root: string, opts: { plans?: StoragePlan[]; allowLiveRoot?: boolean } = {}): Promise<UnmountResult> {
  const real = await resolveRoot(root);
  if (real === '/' && opts.allowLiveRoot !== true) {
    throw new PantherError('live-root', `refusing to unmount below ${root}: it is the running system's root`, {
      subject: root, exitCode: ExitCode.refused,
      hint: 'name the directory provision mounted below (e.g. --root /mnt); pass --allow-live-root to unmount the plan\'s filesystems below / (never / itself)',
    });
  }
  const all = await listAllMounts();
  if (!all.some((m) => isAtOrBelow(real, m.target) && m.target !== '/')) return { unmounted: [], kept: [], forgotten: [] };
  const plans = opts.plans ?? [];
  if (plans.length === 0) {
    const recorded = await readRecordedPlan(real);
    if (recorded !== null) plans.push(recorded);
  }
  if (plans.length === 0) {
    throw new PantherError('no-plan', `no plan recorded at ${real}/etc/panther/plan.json: cannot tell which mounts below ${root} are panther's`, {
      subject: root, exitCode: ExitCode.refused, hint: 'pass the plan it was provisioned from: panther unmount --root DIR --plan FILE',
    });
  }
  const owner: PlanOwnership = {
    devices: await Promise.all(plans.flatMap((p) => p.pools.map((pool) => resolveDevice(pool.device)))),
    labels: plans.flatMap((p) => p.pools.map((pool) => pool.label)),
  };
  const labelled: LabelledMount[] = [];
  for (const m of all) {
    const label = m.fstype === 'btrfs' && isAtOrBelow(real, m.target) && m.target !== '/'
      ? await showFilesystem(m.target).then((fs) => fs.label, () => null)
      : null;
    labelled.push({ ...m, label });
  }
  const selection = selectUnmounts(real, labelled, owner);
  const unmounted: string[] = [];
  for (const m of selection.unmount) {
    await umount(m.target);
    unmounted.push(m.target);
  }
  // Loop devices keep partitions registered with partx even after losetup -d; remove them once
  // nothing of the device is in use any more. Real disks keep theirs (the kernel manages them).
  // Only devices something was just unmounted from: a loop number named in an old plan may now
  // belong to someone else's image.
  const forgotten: string[] = [];
  for (const device of new Set(owner.devices)) {
    if (!/^\/dev\/loop\d+$/.test(device) || !selection.unmount.some((m) => isOfDevice(m.device, device))) continue;
    if ((await devicesInUse(device)).length > 0) continue;
    forgotten.push(...await forgetPartitions(device));
  }
  return { unmounted, kept: selection.kept, forgotten };
}
