// The one way a plan is obtained: a plan file, or built from a facter report / an inventory entry /
// a named profile (detected from the report when nothing pins it). The CLI passes its flags here.
import { ExitCode, PantherError } from '../core/errors.ts';
import { detectProfile } from '../facter/detect.ts';
import { readFacterReport } from '../facter/parse.ts';
import type { Detection, HostReport } from '../facter/types.ts';
import { inventoryEntry, readInventory, type InventoryEntry } from './inventory.ts';
import { planHost } from './plan-host.ts';
import { findProfile, loadProfiles } from './profiles.ts';
import type { ProfileDef } from './profile-types.ts';
import { readPlan } from './read-plan.ts';
import { HOST_NAME } from './input-schema.ts';
import type { ProfileSource, StoragePlan } from './types.ts';

export interface PlanInputResult {
  plan: StoragePlan;
  detection: Detection | null;
}

/** What a command names its plan by: the flags of the same names (files are paths). */
export interface PlanInput {
  plan?: string | undefined;
  facter?: string | undefined;
  inventory?: string | undefined;
  host?: string | undefined;
  profile?: string | undefined;
  profiles?: string | undefined;
}

export async function resolvePlanInput(input: PlanInput): Promise<PlanInputResult> {
  const planFile = input.plan;
  if (planFile !== undefined) return { plan: await readPlan(planFile), detection: null };

  const facter = input.facter;
  const inventoryFile = input.inventory;
  if (facter === undefined && inventoryFile === undefined) {
    throw new PantherError('usage', 'no plan input', {
      exitCode: ExitCode.usage, hint: 'pass --plan FILE, --facter FILE, or --inventory FILE --host NAME',
    });
  }
  const profiles = await loadProfiles(input.profiles);
  const report: HostReport | null = facter === undefined ? null : await readFacterReport(facter);
  let host = input.host;
  if (host !== undefined && !HOST_NAME.test(host)) {
    throw new PantherError('usage', `--host ${JSON.stringify(host)}: host names are lower-case letters, digits and dashes (at most 63)`, {
      exitCode: ExitCode.usage, hint: 'e.g. --host hetzner',
    });
  }
  let entry: InventoryEntry | undefined;
  if (inventoryFile !== undefined) {
    if (host === undefined) {
      throw new PantherError('usage', '--inventory needs --host NAME', { exitCode: ExitCode.usage, hint: 'name the host to plan' });
    }
    entry = inventoryEntry(await readInventory(inventoryFile), host, inventoryFile);
  }

  const flagProfile = input.profile;
  let profile: ProfileDef;
  let source: ProfileSource;
  const detection: Detection | null = report === null ? null : detectProfile(report, profiles);
  if (entry !== undefined) {
    if (flagProfile !== undefined && flagProfile !== entry.profile) {
      throw new PantherError('profile-conflict', `--profile ${flagProfile} contradicts the inventory (${host}: ${entry.profile})`, {
        exitCode: ExitCode.refused, hint: 'drop --profile, or change the inventory',
      });
    }
    profile = findProfile(profiles, entry.profile);
    source = 'inventory';
  } else if (flagProfile !== undefined) {
    profile = findProfile(profiles, flagProfile);
    source = 'flag';
  } else {
    if (detection === null || detection.profile === null) {
      throw new PantherError('detection-refused', `cannot tell which profile fits ${report?.source ?? 'this host'}: ${detection?.reason ?? 'no report'}`, {
        exitCode: ExitCode.refused, details: { detection },
        hint: `candidates: ${detection?.candidates.map((c) => `${c.profile} (${c.why})`).join('; ') || 'none'}. Pin the host in an inventory (--inventory FILE --host NAME) or pass --profile ID`,
      });
    }
    profile = findProfile(profiles, detection.profile);
    source = 'detected';
  }
  host ??= profile.specHost ?? 'host';
  return {
    plan: planHost({ host, profile, profileSource: source, report, ...(entry === undefined ? {} : { entry, ...(inventoryFile === undefined ? {} : { inventorySource: inventoryFile }) }) }),
    detection,
  };
}

/**
 * A plan from a profile alone, for what does not depend on disks (snapshot tiers, budget): the
 * profile `id`, else the built-in profile of the spec's machine named `host`.
 */
export function policyPlan(profiles: ProfileDef[], named: { id?: string; host?: string }): StoragePlan {
  const { id, host } = named;
  const profile = id !== undefined ? findProfile(profiles, id) : profiles.find((p) => p.specHost === host);
  if (profile === undefined) {
    throw new PantherError('usage', `no built-in profile is for host "${host}"`, {
      exitCode: ExitCode.usage,
      hint: `known hosts: ${profiles.flatMap((p) => p.specHost ?? []).join(', ')}; or pass --inventory FILE --host NAME, --profile ID or --plan FILE`,
    });
  }
  // Tiers do not depend on disks, so placeholder devices let planHost give the profile's real tiers
  // without a hardware report; nothing but the policies of this plan may be read.
  const disks = profile.pools.map((pool) => ({ pool: pool.name, device: `/dev/placeholder-${pool.name}`, sizeGB: 1000 }));
  return planHost({ host: host ?? profile.specHost ?? 'host', profile, profileSource: 'flag', report: null, entry: { profile: profile.id, disks } });
}
