// An inventory entry against the profile it pins. The schema (schema.ts) knows shapes; only the profile
// knows which subvolumes, features and pools exist, and a name that matches none of them used to be
// ignored without a word (an override for "@hom" changed nothing). Pure.
import { PantherError } from '../core/errors.ts';
import type { InventoryEntry } from './inventory.ts';
import type { ProfileDef } from './profile-types.ts';

/** Every reference in `entry` that names nothing in `profile`, with its path; empty when all resolve. */
export function entryProblems(entry: InventoryEntry, profile: ProfileDef): string[] {
  const problems: string[] = [];
  const features = new Set(entry.features ?? []);
  const defs = profile.pools.flatMap((p) => p.subvolumes);
  const known = [...new Set(defs.map((d) => d.feature).filter((f): f is string => f !== undefined))];
  for (const [i, feature] of (entry.features ?? []).entries()) {
    if (!known.includes(feature)) {
      problems.push(`features[${i}]: profile ${profile.id} has no feature ${JSON.stringify(feature)}; ${known.length === 0 ? 'it has no optional features' : `its features: ${known.join(', ')}`}`);
    }
  }
  const planned = defs.filter((d) => d.feature === undefined || features.has(d.feature));
  for (const name of Object.keys(entry.overrides?.subvolumes ?? {})) {
    if (planned.some((d) => d.name === name)) continue;
    const gated = defs.find((d) => d.name === name);
    problems.push(`overrides.subvolumes[${JSON.stringify(name)}]: ${gated?.feature === undefined
      ? `no subvolume ${JSON.stringify(name)} in profile ${profile.id}`
      : `subvolume ${JSON.stringify(name)} is planned only with feature ${JSON.stringify(gated.feature)}, which this host does not list`}; subvolumes: ${planned.map((d) => d.name).join(', ')}`);
  }
  if (entry.overrides?.swapSize !== undefined && !planned.some((d) => d.workload === 'swap')) {
    problems.push(`overrides.swapSize: profile ${profile.id} plans no swap subvolume for this host, so the size would be ignored`);
  }
  const pools = profile.pools.map((p) => p.name);
  const claimed = new Map<string, number>();
  for (const [i, disk] of (entry.disks ?? []).entries()) {
    if (disk.pool === undefined) continue;
    if (!pools.includes(disk.pool)) problems.push(`disks[${i}].pool: profile ${profile.id} has no pool ${JSON.stringify(disk.pool)}; pools: ${pools.join(', ')}`);
    const earlier = claimed.get(disk.pool);
    if (earlier !== undefined) problems.push(`disks[${i}].pool: pool ${JSON.stringify(disk.pool)} is already on disks[${earlier}]; one disk per pool`);
    else claimed.set(disk.pool, i);
  }
  return problems;
}

export function checkEntry(entry: InventoryEntry, profile: ProfileDef, host: string, source = 'inventory'): void {
  const problems = entryProblems(entry, profile);
  if (problems.length === 0) return;
  const lines = problems.map((p) => `hosts.${host}.${p}`);
  throw new PantherError('inventory-invalid', lines.length === 1
    ? `${source}: ${lines[0]}`
    : `${source}: ${lines.length} problems with host ${host}:\n  ${lines.join('\n  ')}`, {
    subject: source, details: { problems: lines },
    hint: 'fix the names in the inventory (panther profiles --json shows each profile\'s subvolumes, features and pools)',
  });
}
