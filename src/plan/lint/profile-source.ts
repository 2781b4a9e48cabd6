// NOTES 7: disk sizes (458/536/200 GB) identify one user's providers, not a kind of machine. A plan
// whose profile was guessed from hardware can change when a provider resizes a disk.
import type { Finding, StoragePlan } from '../types.ts';
import { finding, shown, type RuleInfo } from './rule.ts';

export const PROFILE_SOURCE_RULES: RuleInfo[] = [
  {
    id: 'profile-not-pinned', title: 'profile not pinned in the inventory', severity: 'warning', notes: 'NOTES 7',
    description: 'Warning when the profile was detected from the hardware report, info when it was given with --profile: either way the host is not pinned in an inventory, so the next plan may choose differently.',
  },
];

export function checkProfileNotPinned(plan: StoragePlan): Finding[] {
  if (plan.profileSource === 'inventory') return [];
  const fix = `pin it in the inventory: { "hosts": { ${JSON.stringify(plan.host)}: { "profile": ${JSON.stringify(plan.profile)}, "disks": [ … ] } } }`;
  if (plan.profileSource === 'detected') {
    return [finding('profile-not-pinned', 'warning', 'plan',
      `profile ${shown(plan.profile)} for ${shown(plan.host)} was detected from the hardware report; detection rests on evidence such as disk sizes that identify one user's providers, not the kind of machine, and a resized disk or a new provider changes the answer.`, fix)];
  }
  return [finding('profile-not-pinned', 'info', 'plan',
    `profile ${shown(plan.profile)} for ${shown(plan.host)} was chosen with --profile; nothing records that choice, so the next run has to repeat it.`, fix)];
}
