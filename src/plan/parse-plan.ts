// A plan's shape checked against the schema (schema.ts), in zod's words for every bad value: what
// read-plan.ts loads when plan-shape.ts cannot vouch for a plan, and what code holding a plan value
// (not a file) calls.
import { parseWithSchema } from '../core/schema.ts';
import { storagePlan } from './schema.ts';
import type { StoragePlan } from './types.ts';

export function parsePlan(json: unknown, source: string): StoragePlan {
  // `{ plan: … }` wrappers (a plan inside a report) are accepted as well as the bare plan.
  if (isObject(json) && json['version'] === undefined && isObject(json['plan'])) return parsePlan(json['plan'], `${source} (plan)`);
  return parseWithSchema(storagePlan, json, source, {
    code: 'plan-invalid', what: 'a storage plan', namedArrays: ['pools'],
    hint: 'fix the value(s) listed, or regenerate the plan with panther plan … --out plan.json',
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
