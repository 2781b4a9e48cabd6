// NOTES 1: btrfs takes compress, nodatacow, autodefrag, ssd, discard, space_cache … from the first mount
// of a filesystem and silently ignores them on every later subvolume mount (docs/knowledge/btrfs.md §1, tested). Only
// VFS options differ per mount, so anything else on a subvolume is either dead or changes the pool.
import type { Finding, PoolPlan, StoragePlan, SubvolumePlan } from '../types.ts';
import { DEFAULT_LEVEL, filesystemState, levelText, parseOption, poolCompression, type ParsedOption } from '../mount-options.ts';
import { finding, overrideOf, poolSubject, shown, subvolumeSubject, subvolumes, type RuleInfo } from './rule.ts';

export const FS_OPTION_RULES: RuleInfo[] = [
  {
    id: 'fs-option-per-subvolume', title: 'filesystem-wide btrfs option on one subvolume mount', severity: 'warning', notes: 'NOTES 1',
    description: 'A subvolume\'s mountOptions carry an option that btrfs applies to the whole filesystem (compress*, nodatacow, nodatasum, autodefrag, ssd, discard, space_cache, commit, …, and the superblock flags sync/dirsync/lazytime). On a later mount it is silently ignored; on the first mount it changes every subvolume of the pool.',
  },
  {
    id: 'fs-option-differs', title: 'mounts of one pool ask for different filesystem-wide values', severity: 'warning', notes: 'NOTES 1',
    description: 'Two mounts of the same pool set one filesystem-wide option to different values; only the first mount\'s value takes effect.',
  },
  {
    id: 'compression-level-per-subvolume', title: 'compression level recorded per subvolume', severity: 'info', notes: 'NOTES 1',
    description: 'A subvolume records a compression level other than the pool\'s compress=alg:level. The btrfs.compression property selects the algorithm only; the level is filesystem-wide.',
  },
];

/** What to use instead of a filesystem-wide option on one subvolume. */
function perSubvolumeFix(option: ParsedOption, sub: SubvolumePlan): string {
  const remove = `remove ${shown(option.raw)} from ${overrideOf(sub, 'mountOptions')}`;
  switch (option.family) {
    case 'datacow':
    case 'datasum':
      return `${remove}; for no-CoW on this subvolume only set ${overrideOf(sub, 'cow')} = false (chattr +C on its empty root, new files inherit it)`;
    case 'compress':
      return `${remove}; choose the algorithm per subvolume with ${overrideOf(sub, 'compression')} = "zstd" | "zlib" | "lzo" | "none" (btrfs property set … compression); the level stays filesystem-wide (overrides.filesystemOptions)`;
    default:
      return `${remove}; set it once for the filesystem in overrides.filesystemOptions if every subvolume should have it`;
  }
}

export function checkFsOptionPerSubvolume(plan: StoragePlan): Finding[] {
  const findings: Finding[] = [];
  for (const { pool, sub } of subvolumes(plan)) {
    for (const raw of sub.mountOptions) {
      const option = parseOption(raw);
      if (option === null || option.scope !== 'filesystem') continue;
      const where = sub.mountPoint === '/'
        ? 'this subvolume is mounted at / and mounts first, so it changes every subvolume of the pool'
        : 'on a subvolume that is not mounted first it is silently ignored (mount exits 0, /proc/self/mountinfo shows the first mount\'s value; tested), and if it does mount first it changes every subvolume of the pool';
      findings.push(finding('fs-option-per-subvolume', 'warning', subvolumeSubject(pool, sub),
        `${shown(raw)} is a filesystem-wide btrfs option ("only options in the first mounted subvolume will take effect", btrfs-progs ch-mount-options.rst): ${where}.`,
        perSubvolumeFix(option, sub)));
    }
  }
  return findings;
}

/** The mount whose filesystem-wide options win: NixOS mounts / first (initrd); elsewhere the order is not fixed. */
function firstMount(pool: PoolPlan): SubvolumePlan | undefined {
  return pool.subvolumes.find((s) => s.mountPoint === '/');
}

export function checkFsOptionDiffers(plan: StoragePlan): Finding[] {
  const findings: Finding[] = [];
  for (const pool of plan.pools) {
    const mounted = pool.subvolumes.filter((s) => s.mountPoint !== null);
    // Each mount is rendered with the pool's options followed by its own (docs/knowledge/btrfs.md §1 "Consequences").
    const states = mounted.map((sub) => ({ sub, state: filesystemState([...pool.filesystemOptions, ...sub.mountOptions]) }));
    const families = new Set(states.flatMap(({ state }) => [...state.keys()]));
    for (const family of families) {
      const values = new Map<string, string[]>();
      for (const { sub, state } of states) {
        const option = state.get(family);
        if (option === undefined) continue;
        values.set(option.raw, [...(values.get(option.raw) ?? []), shown(sub.name)]);
      }
      if (values.size < 2) continue;
      const first = firstMount(pool);
      const winner = first === undefined ? undefined : states.find((s) => s.sub === first)?.state.get(family)?.raw;
      const listing = [...values].map(([raw, subs]) => `${shown(raw)} on ${subs.join(', ')}`).join('; ');
      const outcome = winner === undefined
        ? 'whichever subvolume mounts first decides for all of them (systemd does not order sibling mounts), so the result can change between boots'
        : `/ mounts first, so ${shown(winner)} applies to every subvolume and the others are silently ignored`;
      findings.push(finding('fs-option-differs', 'warning', poolSubject(pool),
        `Mounts of pool ${shown(pool.name)} set the filesystem-wide "${family}" option differently (${listing}): ${outcome}.`,
        'keep one value in overrides.filesystemOptions and remove the option from the subvolumes\' mountOptions; use cow / compression per subvolume instead'));
    }
  }
  return findings;
}

export function checkCompressionLevelPerSubvolume(plan: StoragePlan): Finding[] {
  const findings: Finding[] = [];
  for (const { pool, sub } of subvolumes(plan)) {
    if (sub.compressionLevel === null || !sub.cow || sub.compression === 'none') continue;
    const fs = poolCompression(pool.filesystemOptions);
    // With a different (or no) compress= algorithm on the pool, the property's algorithm runs at its default level.
    const effective = fs.algorithm === sub.compression ? (fs.level ?? DEFAULT_LEVEL[fs.algorithm]) : DEFAULT_LEVEL[sub.compression];
    if (effective === sub.compressionLevel) continue;
    const fsText = fs.algorithm === 'none' ? 'no compress= option' : `compress=${levelText(fs)}`;
    findings.push(finding('compression-level-per-subvolume', 'info', subvolumeSubject(pool, sub),
      `${shown(sub.name)} asks for ${sub.compression} level ${sub.compressionLevel}, but the btrfs.compression property selects the algorithm only ("it's not possible to set the compression level this way", btrfs-property.rst; tested): data is compressed at the filesystem's level${effective === null ? '' : ` ${effective}`} (pool ${shown(pool.name)} has ${fsText}).`,
      `accept ${sub.compression}${effective === null ? '' : `:${effective}`} for this subvolume, or change the level for the whole pool with overrides.filesystemOptions (e.g. "compress=${sub.compression}:${sub.compressionLevel}")`));
  }
  return findings;
}
