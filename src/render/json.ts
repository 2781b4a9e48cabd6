// The plan as JSON: what `panther plan --out` writes and `--plan FILE` reads back. Stable output
// (2-space indent, trailing newline, key order of the plan object) so plan files diff cleanly in git.
import type { StoragePlan } from '../plan/types.ts';

export function renderJson(plan: StoragePlan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
