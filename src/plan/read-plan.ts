// Plans written to disk (`panther plan --out`) and read back by lint/render/provision. A plan file is
// input from a user: its shape is checked against the schema (schema.ts) here; lint judges whether it
// can work. A well-formed plan is recognised without zod (plan-shape.ts); zod is loaded only to say
// what is wrong with one that is not, or to read one plan-shape.ts cannot vouch for.
import { readFile } from 'node:fs/promises';
import { PantherError } from '../core/errors.ts';
import { wellFormedPlan } from './plan-shape.ts';
import type { StoragePlan } from './types.ts';

export async function readPlan(path: string): Promise<StoragePlan> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new PantherError('plan-unreadable', `${path}: cannot read the plan (${(cause as Error).message})`, {
      subject: path, cause, hint: 'write one with: panther plan … --out plan.json',
    });
  }
  // A `{ plan: … }` wrapper (a plan inside a report) is not a plan itself: parse-plan.ts unwraps it.
  return wellFormedPlan(json) ?? (await import('./parse-plan.ts')).parsePlan(json, path);
}
