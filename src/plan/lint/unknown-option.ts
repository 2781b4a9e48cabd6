// Options are passed to mount(8) and the kernel verbatim; an unknown one fails the mount (btrfs:
// "unrecognized mount option") and a malformed one can smuggle extra options in. Allow-list only.
import type { Finding, StoragePlan } from '../types.ts';
import { checkOption } from '../mount-options.ts';
import { finding, overrideOf, poolSubject, shown, subvolumeSubject, type RuleInfo } from './rule.ts';

export const UNKNOWN_OPTION_RULES: RuleInfo[] = [
  {
    id: 'unknown-option', title: 'option that btrfs and mount(8) do not know', severity: 'error', notes: null,
    description: 'A filesystem or mount option is not on the allow-list taken from btrfs(5) and mount(8) (VFS flags, btrfs options with validated values such as compress=zstd:1..15, x-systemd.*), or contains characters that would split or corrupt the option list.',
  },
];

export function checkUnknownOptions(plan: StoragePlan): Finding[] {
  const findings: Finding[] = [];
  for (const pool of plan.pools) {
    for (const raw of pool.filesystemOptions) {
      const checked = checkOption(raw);
      if (checked.ok) continue;
      findings.push(finding('unknown-option', 'error', poolSubject(pool),
        `filesystem option ${shown(raw)}: ${checked.reason}; the kernel rejects unknown btrfs options and the mount fails.`,
        'fix or remove it in overrides.filesystemOptions'));
    }
    for (const sub of pool.subvolumes) {
      for (const raw of sub.mountOptions) {
        const checked = checkOption(raw);
        if (checked.ok) continue;
        findings.push(finding('unknown-option', 'error', subvolumeSubject(pool, sub),
          `mount option ${shown(raw)}: ${checked.reason}; the kernel rejects unknown btrfs options and the mount fails.`,
          `fix or remove it in ${overrideOf(sub, 'mountOptions')}`));
      }
    }
  }
  return findings;
}
