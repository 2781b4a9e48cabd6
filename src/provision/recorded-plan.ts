// The plan as actually laid down (device paths, sizes fitted to the devices), kept on the target
// itself so `doctor` and `unmount` judge the system by what was made, not by what was asked for.
import { access, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { DEFAULT_PLAN } from '../core/defaults.ts';
import { readPlan } from '../plan/read-plan.ts';
import type { StoragePlan } from '../plan/types.ts';
import { underRoot } from './paths.ts';

/** Where on the target, as the installed system will see it: where every command looks for the plan. */
export const RECORDED_PLAN = DEFAULT_PLAN;

export function recordedPlanPath(root: string): string {
  return underRoot(root, RECORDED_PLAN);
}

export async function recordPlan(root: string, plan: StoragePlan): Promise<string> {
  const path = recordedPlanPath(root);
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify(plan, null, 2)}\n`);
  return path;
}

/** The recorded plan, or null when there is none below root. A damaged one is an error, not null. */
export async function readRecordedPlan(root: string): Promise<StoragePlan | null> {
  const path = recordedPlanPath(root);
  if (!(await access(path).then(() => true, () => false))) return null;
  return readPlan(path);
}
