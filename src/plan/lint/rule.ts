// The shape every lint rule shares, and the few helpers that keep subjects and fixes uniform so that an
// acknowledgement key ("id:subject") written once keeps matching.
import type { Finding, PoolPlan, Severity, StoragePlan, SubvolumePlan } from '../types.ts';

/** One row of `panther lint --rules`. */
export interface RuleInfo {
  id: string;
  title: string;
  /** The severity the rule reports at; `description` says when it reports lower. */
  severity: Severity;
  /** Which item of NOTES.md the rule enforces; null for plans that simply cannot work. */
  notes: string | null;
  description: string;
}

/** A rule: pure, reads only the plan. */
export type Check = (plan: StoragePlan) => Finding[];

export interface Located {
  pool: PoolPlan;
  sub: SubvolumePlan;
}

export function subvolumes(plan: StoragePlan): Located[] {
  return plan.pools.flatMap((pool) => pool.subvolumes.map((sub) => ({ pool, sub })));
}

/**
 * Names come from user files and end up in terminals and acknowledgement keys; anything that is not
 * plain printable ASCII is shown JSON-quoted so a newline or escape sequence cannot forge output.
 */
export function shown(text: string): string {
  return /^[\x21-\x7e]+$/.test(text) ? text : JSON.stringify(text);
}

export function subvolumeSubject(pool: PoolPlan, sub: SubvolumePlan): string {
  return `${shown(pool.name)}/${shown(sub.name)}`;
}

export function poolSubject(pool: PoolPlan): string {
  return `pool ${shown(pool.name)}`;
}

/** Where the inventory overrides a field of this subvolume, e.g. overrides.subvolumes["@nix"].cow. */
export function overrideOf(sub: SubvolumePlan, field: string): string {
  return `overrides.subvolumes[${JSON.stringify(sub.name)}].${field}`;
}

export function finding(id: string, severity: Severity, subject: string, message: string, fix: string): Finding {
  return { id, severity, subject, message, fix };
}

export function isSwap(sub: SubvolumePlan): boolean {
  return sub.swapfile !== null || sub.workload === 'swap';
}

export function isNix(sub: SubvolumePlan): boolean {
  return sub.workload === 'nix' || sub.mountPoint === '/nix';
}
