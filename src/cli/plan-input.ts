// The one way commands get a plan: their plan-input flags handed to src/plan/resolve.ts.
import { resolvePlanInput, type PlanInputResult } from '../plan/resolve.ts';
import { str, type Values } from './command.ts';
export type { PlanInputResult } from '../plan/resolve.ts';

export async function resolvePlan(values: Values): Promise<PlanInputResult> {
  return resolvePlanInput({
    plan: str(values, 'plan'), facter: str(values, 'facter'), inventory: str(values, 'inventory'),
    host: str(values, 'host'), profile: str(values, 'profile'), profiles: str(values, 'profiles'),
  });
}
