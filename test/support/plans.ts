// Builders for tests: a plan for a built-in profile without any hardware report.
import { loadBuiltinProfiles } from '../../src/plan/builtin-profiles.ts';
import type { InventoryEntry } from '../../src/plan/inventory.ts';
import { planHost } from '../../src/plan/plan-host.ts';
import type { ProfileDef } from '../../src/plan/profile-types.ts';
import type { StoragePlan } from '../../src/plan/types.ts';

/** The spec's hosts and the disks the spec gives them. */
export const SPEC_HOSTS: Record<string, { profile: string; disks: Array<{ device: string; sizeGB: number }> }> = {
  zephyrus: { profile: 'dev-laptop', disks: [{ device: '/dev/nvme0n1', sizeGB: 2000 }, { device: '/dev/nvme1n1', sizeGB: 1000 }] },
  yoga: { profile: 'light-laptop', disks: [{ device: '/dev/nvme0n1', sizeGB: 1000 }] },
  hetzner: { profile: 'production-vps', disks: [{ device: '/dev/sda', sizeGB: 458 }] },
  contabo: { profile: 'staging-vps', disks: [{ device: '/dev/sda', sizeGB: 536 }] },
  ovh: { profile: 'utility-vps', disks: [{ device: '/dev/vda', sizeGB: 200 }] },
};

export function builtinProfile(id: string): ProfileDef {
  const profile = loadBuiltinProfiles().find((p) => p.id === id);
  if (profile === undefined) throw new Error(`no built-in profile ${id}`);
  return profile;
}

/** Plan for one of the spec's hosts; `entry` adds inventory fields (features, overrides, …). */
export function specPlan(host: string, entry: Partial<InventoryEntry> = {}): StoragePlan {
  const spec = SPEC_HOSTS[host];
  if (spec === undefined) throw new Error(`unknown spec host ${host}`);
  return planHost({
    host,
    profile: builtinProfile(spec.profile),
    profileSource: 'inventory',
    report: null,
    entry: { profile: spec.profile, disks: spec.disks, ...entry },
  });
}
