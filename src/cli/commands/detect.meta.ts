// `panther detect`: what --help and routing need, cheap to load; ./detect.ts runs it.
import type { CommandInfo } from '../command.ts';

export const detectInfo: CommandInfo = {
  name: 'detect',
  summary: 'read a nixos-facter report: disks, machine evidence and the profile it points to',
  usage: 'panther detect --facter FILE [--profiles FILE] [--json]',
  help: `Options:
  --facter FILE     nixos-facter report (facter.json), any format from the 2024 pre-releases on
  --profiles FILE   extra or changed profiles to match against
  --json            print { profile, confidence, machine, disks, ignored, evidence, candidates, reason }

When the report does not determine a profile, detect refuses (profile null, exit 3) and lists the
candidates: pin the host in an inventory instead of guessing.`,
  options: { facter: { type: 'string' }, profiles: { type: 'string' } },
};
