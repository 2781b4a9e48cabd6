// NOTES 6: what the kernel and mkfs already do, and the two filesystem-wide options that hurt: the v1
// space cache (mount fails on a free-space-tree filesystem) and autodefrag next to databases.
import type { Finding, PoolPlan, StoragePlan } from '../types.ts';
import { filesystemState } from '../mount-options.ts';
import { finding, poolSubject, shown, subvolumeSubject, type RuleInfo } from './rule.ts';

export const DEFAULT_OPTION_RULES: RuleInfo[] = [
  {
    id: 'default-option', title: 'option repeats a kernel default', severity: 'info', notes: 'NOTES 6',
    description: 'space_cache=v2, discard=async and ssd are emitted although they are already the defaults (mkfs free-space tree since progs 5.15, async discard since 6.2, SSD autodetection). Harmless; documented.',
  },
  {
    id: 'space-cache-v1', title: 'v1 space cache requested', severity: 'error', notes: 'NOTES 6',
    description: 'space_cache (which means v1), space_cache=v1 and nospace_cache disable the free-space tree that mkfs.btrfs enables by default; the mount fails with "cannot disable free space tree".',
  },
  {
    id: 'autodefrag-with-databases', title: 'autodefrag on a pool with databases or containers', severity: 'warning', notes: 'NOTES 6',
    description: 'autodefrag is filesystem-wide, "may not be well suited for large database workloads", and defragmenting breaks reflink/snapshot sharing.',
  },
];

const DEFAULTS: Record<string, string> = {
  'space_cache=v2': 'the free-space tree (space_cache=v2) is what mkfs.btrfs creates by default since btrfs-progs 5.15',
  'discard=async': 'discard=async is the default since kernel 6.2 on devices that support discard',
  ssd: 'btrfs detects non-rotational devices itself (/sys/block/<dev>/queue/rotational) and the ssd allocation tweaks were dropped in 4.14',
};

/** Every option list of a pool with the subject it belongs to. */
function optionLists(pool: PoolPlan): Array<{ subject: string; options: readonly string[] }> {
  return [
    { subject: poolSubject(pool), options: pool.filesystemOptions },
    ...pool.subvolumes.map((sub) => ({ subject: subvolumeSubject(pool, sub), options: sub.mountOptions })),
  ];
}

export function checkDefaultOptions(plan: StoragePlan): Finding[] {
  return plan.pools.flatMap(optionLists).flatMap(({ subject, options }) => options.filter((raw) => DEFAULTS[raw] !== undefined).map((raw) =>
    finding('default-option', 'info', subject,
      `${shown(raw)} is already the default: ${DEFAULTS[raw]!}. Emitting it is harmless.`,
      'nothing to do; drop it from the options to keep the rendered configuration minimal')));
}

export function checkSpaceCacheV1(plan: StoragePlan): Finding[] {
  return plan.pools.flatMap(optionLists).flatMap(({ subject, options }) =>
    options.filter((raw) => raw === 'space_cache' || raw === 'space_cache=v1' || raw === 'nospace_cache').map((raw) =>
      finding('space-cache-v1', 'error', subject,
        `${shown(raw)} disables the free-space tree (${raw === 'space_cache' ? 'without a version the kernel selects v1' : 'v1 is deprecated since 6.11'}); mkfs.btrfs enables the free-space tree by default, and the kernel then refuses the mount with "cannot disable free space tree" (tested with space_cache=v1).`,
        `remove ${shown(raw)}; the v2 free-space tree is the default and needs no option`)));
}

export function checkAutodefragWithDatabases(plan: StoragePlan): Finding[] {
  const findings: Finding[] = [];
  for (const pool of plan.pools) {
    // Whichever mount comes first decides, so autodefrag anywhere on the pool may end up active.
    const lists = [pool.filesystemOptions, ...pool.subvolumes.map((s) => [...pool.filesystemOptions, ...s.mountOptions])];
    const active = lists.some((list) => filesystemState(list).get('autodefrag')?.raw === 'autodefrag');
    if (!active) continue;
    const heavy = pool.subvolumes.filter((s) => s.workload === 'database' || s.workload === 'container');
    if (heavy.length === 0) continue;
    findings.push(finding('autodefrag-with-databases', 'warning', poolSubject(pool),
      `autodefrag is filesystem-wide and pool ${shown(pool.name)} holds ${heavy.map((s) => `${shown(s.name)} (${s.workload})`).join(', ')}: autodefrag "may not be well suited for large database workloads" (ch-mount-options.rst) and rewriting extents breaks reflink and snapshot sharing, so snapshots start taking real space.`,
      'remove autodefrag from overrides.filesystemOptions and the subvolumes\' mountOptions; defragment selected directories by hand if ever needed'));
  }
  return findings;
}
