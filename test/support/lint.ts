// Helpers for the lint tests: spec plans to mutate, and lookups that compute subjects from the plan data
// rather than from the code under test.
import { specPlan } from './plans.ts';
import type { InventoryEntry } from '../../src/plan/inventory.ts';
import type { Finding, PoolPlan, StoragePlan, SubvolumePlan } from '../../src/plan/types.ts';

export const SPEC_HOST_NAMES = ['zephyrus', 'yoga', 'hetzner', 'contabo', 'ovh'] as const;

/** A fresh, freely mutable plan for one of the spec's hosts. */
export function plan(host: string, entry: Partial<InventoryEntry> = {}): StoragePlan {
  return structuredClone(specPlan(host, entry));
}

export function locate(p: StoragePlan, name: string, poolName?: string): { pool: PoolPlan; sub: SubvolumePlan; subject: string } {
  for (const pool of p.pools) {
    if (poolName !== undefined && pool.name !== poolName) continue;
    const sub = pool.subvolumes.find((s) => s.name === name);
    if (sub !== undefined) return { pool, sub, subject: `${pool.name}/${sub.name}` };
  }
  throw new Error(`no subvolume ${name} in ${p.host}`);
}

export function pool(p: StoragePlan, name: string): PoolPlan {
  const found = p.pools.find((x) => x.name === name);
  if (found === undefined) throw new Error(`no pool ${name} in ${p.host}`);
  return found;
}

export function matching(findings: readonly Finding[], id: string, subject?: string): Finding[] {
  return findings.filter((f) => f.id === id && (subject === undefined || f.subject === subject));
}

/** The single finding with this id and subject; fails the test with the list when there is not exactly one. */
export function only(findings: readonly Finding[], id: string, subject: string): Finding {
  const found = matching(findings, id, subject);
  if (found.length !== 1) {
    throw new Error(`expected one ${id} [${subject}], found ${found.length}; all: ${findings.map((f) => `${f.id} [${f.subject}]`).join(', ')}`);
  }
  return found[0]!;
}
