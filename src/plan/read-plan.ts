// Plans written to disk (`panther plan --out`) and read back by lint/render/provision. A plan file is
// input from a user, so it is checked for shape here; lint judges whether it can work.
import { readFile } from 'node:fs/promises';
import { PantherError } from '../core/errors.ts';
import type { StoragePlan } from './types.ts';

export async function readPlan(path: string): Promise<StoragePlan> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new PantherError('plan-unreadable', `${path}: cannot read the plan (${(cause as Error).message})`, {
      subject: path, cause, hint: 'write one with: panther plan … --json > plan.json',
    });
  }
  return parsePlan(json, path);
}

export function parsePlan(json: unknown, source: string): StoragePlan {
  const problems: string[] = [];
  const plan = (typeof json === 'object' && json !== null ? json : {}) as Partial<StoragePlan> & { plan?: unknown };
  // `panther plan --json` wraps the plan with detection and findings; accept both forms.
  if (plan.version === undefined && typeof plan.plan === 'object' && plan.plan !== null) return parsePlan(plan.plan, source);
  if (plan.version !== 1) problems.push(`version: expected 1, found ${JSON.stringify(plan.version)}`);
  if (typeof plan.host !== 'string') problems.push('host: missing');
  if (!Array.isArray(plan.pools) || plan.pools.length === 0) problems.push('pools: at least one pool');
  (plan.pools ?? []).forEach((pool, i) => {
    if (typeof pool?.name !== 'string') problems.push(`pools[${i}].name: missing`);
    if (typeof pool?.device !== 'string') problems.push(`pools[${i}].device: missing`);
    if (!Array.isArray(pool?.filesystemOptions)) problems.push(`pools[${i}].filesystemOptions: must be a list`);
    if (!Array.isArray(pool?.subvolumes)) { problems.push(`pools[${i}].subvolumes: must be a list`); return; }
    pool.subvolumes.forEach((s, j) => {
      const at = `pools[${i}].subvolumes[${j}]`;
      if (typeof s?.name !== 'string') problems.push(`${at}.name: missing`);
      if (typeof s?.cow !== 'boolean') problems.push(`${at}.cow: true or false`);
      if (!Array.isArray(s?.mountOptions)) problems.push(`${at}.mountOptions: must be a list`);
      if (s?.mountPoint !== null && typeof s?.mountPoint !== 'string') problems.push(`${at}.mountPoint: a path or null`);
    });
  });
  if (typeof plan.snapshots?.schedule?.daily !== 'string') problems.push('snapshots.schedule.daily: missing');
  if (typeof plan.objectives?.rpoMinutes !== 'number') problems.push('objectives.rpoMinutes: missing');
  if (problems.length > 0) {
    throw new PantherError('plan-invalid', `${source}: not a storage plan (${problems.length} problem(s)):\n  ${problems.join('\n  ')}`, {
      subject: source, details: { problems }, hint: 'regenerate it with panther plan, or fix the fields listed',
    });
  }
  return { acknowledged: {}, ...plan } as StoragePlan;
}
