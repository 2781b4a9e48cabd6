// NOTES 1 and 2: the spec asks for mount options per subvolume; most cannot work that way. For every
// requested option the plan does not mount with, say how the intent is realised instead (or why not),
// so nothing the spec asked for disappears without a word.
import type { Finding, PoolPlan, StoragePlan, SubvolumePlan } from '../types.ts';
import { WORKLOAD_DEFAULTS } from '../workloads.ts';
import { compressionOf, DEFAULT_LEVEL, filesystemState, levelText, parseOption, poolCompression, type ParsedOption } from '../mount-options.ts';
import { finding, isNix, overrideOf, shown, subvolumeSubject, subvolumes, type RuleInfo } from './rule.ts';

export const REQUESTED_OPTION_RULES: RuleInfo[] = [
  {
    id: 'requested-option-ineffective', title: 'requested mount option realised differently', severity: 'info', notes: 'NOTES 1, 2',
    description: 'An option the spec (requestedMountOptions) asked for is not applied as a mount option of this subvolume; the finding says how the plan realises the intent instead (chattr +C, compression property, kernel default, filesystem-wide level) or that it deliberately does not.',
  },
];

interface Realisation {
  how: string;
  fix: string;
}

function applied(raw: string, option: ParsedOption | null, pool: PoolPlan, sub: SubvolumePlan): boolean {
  if (sub.mountOptions.includes(raw)) return true;
  return option !== null && option.scope === 'filesystem' && filesystemState(pool.filesystemOptions).get(option.family)?.raw === raw;
}

/** null = already reported by a more specific rule (nix-nocow-requested, compression-level-per-subvolume). */
function realisation(raw: string, option: ParsedOption | null, pool: PoolPlan, sub: SubvolumePlan): Realisation | null {
  if (option === null) {
    return { how: 'it is not a btrfs or mount(8) option, so the plan ignores it', fix: 'nothing to do; it was never a valid option' };
  }
  if (option.family === 'datacow' && option.name === 'nodatacow') {
    if (!sub.cow) {
      return {
        how: 'the plan makes this subvolume no-CoW with chattr +C on its empty root right after creation (new files inherit it) and a systemd-tmpfiles "h … +C" rule; a nodatacow mount option would be ignored on a later mount, or turn the whole pool no-CoW on the first',
        fix: 'nothing to do',
      };
    }
    if (isNix(sub)) return null;
    if (WORKLOAD_DEFAULTS[sub.workload]?.cow === false) {
      // The workload is no-CoW by default, so something overrode it; swap-cow reports the swap case as an error.
      return { how: `not realised: this ${sub.workload} subvolume is planned CoW (cow = true overrides the no-CoW default)`, fix: `remove ${overrideOf(sub, 'cow')} = true` };
    }
    return {
      how: `the plan keeps CoW for this ${sub.workload} subvolume on purpose: no-CoW data loses checksums and compression (nodatacow implies nodatasum and disables compression, ch-mount-options.rst), and this data gains nothing from it (NOTES 2)`,
      fix: `to force no-CoW anyway set ${overrideOf(sub, 'cow')} = false and acknowledge the resulting findings`,
    };
  }
  const compression = compressionOf(option);
  if (compression !== null) {
    if (compression.algorithm === 'none') {
      if (!sub.cow) return { how: 'this subvolume is no-CoW, and no-CoW data is never compressed', fix: 'nothing to do' };
      if (sub.compression === 'none') return { how: 'the plan sets the btrfs.compression property to "none" on the empty subvolume root (inherited by new files)', fix: 'nothing to do' };
      return { how: `not realised: the compression property of this subvolume is "${sub.compression}"`, fix: `set ${overrideOf(sub, 'compression')} = "none"` };
    }
    if (!sub.cow) {
      return { how: 'not realised: this subvolume is no-CoW, and no-CoW disables compression', fix: `set ${overrideOf(sub, 'cow')} = true if compression matters more than no-CoW here` };
    }
    if (compression.algorithm !== sub.compression) {
      return { how: `not realised: the compression property of this subvolume is "${sub.compression}"`, fix: `set ${overrideOf(sub, 'compression')} = "${compression.algorithm}"` };
    }
    const fs = poolCompression(pool.filesystemOptions);
    const wanted = compression.level ?? DEFAULT_LEVEL[compression.algorithm];
    const got = fs.algorithm === compression.algorithm ? (fs.level ?? DEFAULT_LEVEL[fs.algorithm]) : DEFAULT_LEVEL[compression.algorithm];
    if (wanted === got) {
      return { how: `the algorithm is set with the btrfs.compression property and the filesystem's level (${levelText(compression)}) is the one asked for`, fix: 'nothing to do' };
    }
    if (sub.compressionLevel !== null) return null;
    return {
      how: `the algorithm (${compression.algorithm}) is set with the btrfs.compression property; the level is filesystem-wide, so ${fs.algorithm === 'none' ? `the default level ${String(got)}` : `the pool's compress=${levelText(fs)}`} applies`,
      fix: 'change the level for the whole pool with overrides.filesystemOptions if needed',
    };
  }
  switch (option.raw) {
    case 'discard=async':
      return { how: 'not emitted: discard=async is the kernel default since 6.2 on devices that support it (NOTES 6)', fix: 'nothing to do' };
    case 'space_cache=v2':
      return { how: 'not emitted: space_cache=v2 (free-space tree) is the default of mkfs.btrfs since btrfs-progs 5.15 (NOTES 6)', fix: 'nothing to do' };
    case 'ssd':
      return { how: 'not emitted: btrfs detects SSDs from /sys/block/<dev>/queue/rotational, and the ssd layout tweaks were dropped in 4.14 (NOTES 6)', fix: 'nothing to do' };
    case 'autodefrag':
      return { how: 'not emitted: autodefrag is filesystem-wide, "may not be well suited for large database workloads", and breaks snapshot sharing (NOTES 6)', fix: 'add it to overrides.filesystemOptions only if no database or VM image lives on the pool' };
    default:
      break;
  }
  if (option.scope === 'mount' || option.scope === 'userspace') {
    return { how: `not applied: ${shown(option.raw)} is missing from this subvolume's mountOptions`, fix: `add it to ${overrideOf(sub, 'mountOptions')}` };
  }
  return {
    how: `not applied per mount: ${shown(option.raw)} is filesystem-wide and would be ignored on this mount (NOTES 1)`,
    fix: 'if it is needed, set it once in overrides.filesystemOptions (it then applies to every subvolume)',
  };
}

export function checkRequestedOptions(plan: StoragePlan): Finding[] {
  const findings: Finding[] = [];
  for (const { pool, sub } of subvolumes(plan)) {
    for (const raw of sub.requestedMountOptions) {
      const option = parseOption(raw);
      if (applied(raw, option, pool, sub)) continue;
      const result = realisation(raw, option, pool, sub);
      if (result === null) continue;
      findings.push(finding('requested-option-ineffective', 'info', subvolumeSubject(pool, sub),
        `requested ${shown(raw)}: ${result.how}.`, result.fix));
    }
  }
  return findings;
}
