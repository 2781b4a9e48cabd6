// NOTES 2: compression needs CoW and data checksums, so `compress=…` and `nodatacow`/`nodatasum` in one
// option list cancel each other: "only the last occurrence of an option takes effect and may disable other
// options due to constraints" (ch-mount-options.rst). Tested: `compress=zstd:1,nodatacow` mounts
// nodatasum,nodatacow; `nodatacow,compress=zstd:1` mounts compress=zstd:1.
import type { Finding, StoragePlan } from '../types.ts';
import { compressionOf, parseOption } from '../mount-options.ts';
import { finding, poolSubject, shown, subvolumeSubject, type RuleInfo } from './rule.ts';

export const CONTRADICTORY_OPTION_RULES: RuleInfo[] = [
  {
    id: 'contradictory-options', title: 'compression together with nodatacow/nodatasum', severity: 'error', notes: 'NOTES 2',
    description: 'One option list (a pool\'s filesystemOptions, or a mount\'s pool options followed by its own) enables compression and nodatacow or nodatasum; the later option silently disables the earlier one.',
  },
];

interface Conflict {
  /** The options taking part, in list order. */
  involved: string[];
  outcome: string;
}

/** Replays the kernel's flag handling (fs/btrfs/super.c btrfs_parse_param) to say which side wins. */
function conflict(options: readonly string[]): Conflict | null {
  let compress = false;
  let nodatacow = false;
  let nodatasum = false;
  const involved: string[] = [];
  for (const raw of options) {
    const option = parseOption(raw);
    if (option === null) continue;
    const c = compressionOf(option);
    if (c !== null && c.algorithm !== 'none') {
      compress = true; nodatacow = false; nodatasum = false; involved.push(raw);
    } else if (c !== null) {
      compress = false;
    } else if (option.name === 'nodatacow') {
      compress = false; nodatacow = true; nodatasum = true; involved.push(raw);
    } else if (option.name === 'nodatasum') {
      nodatasum = true; involved.push(raw);
    } else if (option.name === 'datacow') {
      nodatacow = false;
    } else if (option.name === 'datasum') {
      nodatacow = false; nodatasum = false;
    }
  }
  const hasCompress = involved.some((raw) => raw.startsWith('compress'));
  if (!hasCompress || involved.every((raw) => raw.startsWith('compress'))) return null;
  const last = involved[involved.length - 1]!;
  const outcome = nodatacow
    ? `${shown(last)} comes last, so compression is dropped and the data is mounted nodatasum,nodatacow`
    : compress && nodatasum
      ? 'new files get no checksums and are therefore not compressed either (compression requires checksums, ch-compression.rst)'
      : compress
        ? `${shown(last)} comes last, so nodatacow/nodatasum are dropped and the data stays CoW and checksummed`
        : `compression ends up off${nodatasum ? ' and data checksums off' : ''}`;
  return { involved, outcome };
}

export function checkContradictoryOptions(plan: StoragePlan): Finding[] {
  const findings: Finding[] = [];
  for (const pool of plan.pools) {
    const own = conflict(pool.filesystemOptions);
    if (own !== null) {
      findings.push(finding('contradictory-options', 'error', poolSubject(pool),
        `filesystemOptions ${own.involved.map(shown).join(', ')} contradict each other: ${own.outcome}. No-CoW disables compression and checksums; compression requires both.`,
        'keep compress=… in overrides.filesystemOptions and make single subvolumes no-CoW with overrides.subvolumes["<name>"].cow = false'));
      continue;
    }
    for (const sub of pool.subvolumes) {
      const result = conflict([...pool.filesystemOptions, ...sub.mountOptions]);
      if (result === null || !result.involved.some((raw) => sub.mountOptions.includes(raw))) continue;
      findings.push(finding('contradictory-options', 'error', subvolumeSubject(pool, sub),
        `the mount of ${shown(sub.name)} is rendered with ${result.involved.map(shown).join(', ')} (pool options first, then its own): ${result.outcome}. No-CoW disables compression and checksums; compression requires both.`,
        `remove nodatacow/nodatasum/compress from overrides.subvolumes[${JSON.stringify(sub.name)}].mountOptions; for no-CoW set .cow = false (chattr +C), for compression set .compression`));
    }
  }
  return findings;
}
