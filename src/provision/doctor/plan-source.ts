// Which plan doctor checks against: the one given with --plan, the one provision recorded on the
// target (the plan as laid down, sizes fitted to the devices), or the given one with the sizes the
// recorded one deliberately shrank (provision --fit-to-device), so provision and doctor agree. Pure.
import { formatBytes } from '../../core/bytes.ts';
import type { StoragePlan } from '../../plan/types.ts';
import type { DoctorFinding } from './types.ts';

export type PlanSource = 'given' | 'recorded' | 'given+recorded';

export interface PlanChoice {
  plan: StoragePlan | null;
  source: PlanSource | null;
  /** Info findings that say what was taken from the recorded plan, or why it was not. */
  notes: DoctorFinding[];
}

function sameLayout(a: StoragePlan, b: StoragePlan): boolean {
  if (a.host !== b.host || a.pools.length !== b.pools.length) return false;
  return a.pools.every((p, i) => {
    const q = b.pools[i]!;
    return p.name === q.name && p.label === q.label && p.subvolumes.length === q.subvolumes.length
      && p.subvolumes.every((s, j) => s.name === q.subvolumes[j]!.name && s.mountPoint === q.subvolumes[j]!.mountPoint);
  });
}

export function doctorPlan(given: StoragePlan | null, recorded: StoragePlan | null, recordedAt: string): PlanChoice {
  if (recorded === null) return { plan: given, source: given === null ? null : 'given', notes: [] };
  if (given === null) return { plan: recorded, source: 'recorded', notes: [] };
  if (!sameLayout(given, recorded)) {
    return {
      plan: given, source: 'given', notes: [{
        id: 'recorded-plan-differs', severity: 'info', subject: recordedAt,
        expected: `the layout of --plan (${given.host})`, found: `the plan recorded when provisioning (${recorded.host}) has other pools, subvolumes or mount points`,
        fix: 'checking against --plan; run doctor without --plan to check against what was laid down',
      }],
    };
  }
  const plan = structuredClone(given);
  const notes: DoctorFinding[] = [];
  const note = (pool: string, what: string, planned: number, laid: number): void => {
    notes.push({
      id: 'plan-fitted', severity: 'info', subject: `pool ${pool}`,
      expected: `${what} ${formatBytes(planned)} (--plan)`, found: `${formatBytes(laid)}, as recorded in ${recordedAt} (provisioned with --fit-to-device onto a smaller device)`,
      fix: 'nothing to do; provision onto a device of the planned size to get the planned sizes',
    });
  };
  plan.pools.forEach((pool, i) => {
    const laid = recorded.pools[i]!;
    if (laid.deviceSizeBytes >= pool.deviceSizeBytes) return;
    if (laid.espSizeBytes < pool.espSizeBytes) { note(pool.name, 'ESP', pool.espSizeBytes, laid.espSizeBytes); pool.espSizeBytes = laid.espSizeBytes; }
    pool.subvolumes.forEach((s, j) => {
      const had = laid.subvolumes[j]!.swapfile;
      if (s.swapfile === null || had === null || had.path !== s.swapfile.path || had.sizeBytes >= s.swapfile.sizeBytes) return;
      note(pool.name, `swapfile ${s.name}/${s.swapfile.path}`, s.swapfile.sizeBytes, had.sizeBytes);
      s.swapfile.sizeBytes = had.sizeBytes;
    });
  });
  return { plan, source: 'given+recorded', notes };
}
