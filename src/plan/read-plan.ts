// Plans written to disk (`panther plan --out`) and read back by lint/render/provision. A plan file is
// input from a user: its shape is checked against the schema (schema.ts) here; lint judges whether it
// can work.
import { readFile } from 'node:fs/promises';
import { PantherError } from '../core/errors.ts';
import { parseWithSchema } from '../core/schema.ts';
import { storagePlan } from './schema.ts';
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
  return parsePlan(json, path);
}

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
