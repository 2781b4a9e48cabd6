// Names and paths come from user files (profiles, inventory, plan JSON) and end up in shell commands,
// Nix strings, fstab-style option lists and systemd unit names. They are hostile input: allow a small,
// safe alphabet and reject the rest before anything is rendered.
import type { Finding, PoolPlan, StoragePlan, SubvolumePlan } from '../types.ts';
import { finding, overrideOf, poolSubject, shown, subvolumeSubject, type RuleInfo } from './rule.ts';

export const NAME_RULES: RuleInfo[] = [
  {
    id: 'invalid-name', title: 'unsafe subvolume name, mount point or pool name', severity: 'error', notes: null,
    description: 'Subvolume names are "/"-separated segments of [A-Za-z0-9@][A-Za-z0-9@._+-]* (no "..", no leading "-", each ≤ 255 bytes); mount points are absolute, normalised paths of [A-Za-z0-9@._+~:=-] segments (no whitespace, control characters, "," or quotes); pool names are [A-Za-z][A-Za-z0-9_-]{0,63}; swapfile paths follow subvolume name rules.',
  },
  {
    id: 'duplicate-subvolume', title: 'subvolume name used twice in one pool', severity: 'error', notes: null,
    description: 'Two subvolumes of one pool have the same name; btrfs cannot create the second.',
  },
];

/** btrfs limits each path component to 255 bytes (BTRFS_NAME_LEN); PATH_MAX is 4096 with the NUL. */
const NAME_MAX = 255;
const PATH_MAX = 4095;
const NAME_SEGMENT = /^[A-Za-z0-9@][A-Za-z0-9@._+-]*$/;
const MOUNT_SEGMENT = /^[A-Za-z0-9@._+~:=-]+$/;
const POOL_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Why a subvolume-relative name is unsafe, or null. */
export function nameProblem(name: string): string | null {
  if (name.length === 0) return 'is empty';
  if (Buffer.byteLength(name) > PATH_MAX) return `is longer than ${PATH_MAX} bytes`;
  if (name.includes('..')) return 'contains ".."';
  for (const segment of name.split('/')) {
    if (segment.length === 0) return 'has an empty path segment (leading, trailing or doubled "/")';
    if (!NAME_SEGMENT.test(segment)) {
      return segment.startsWith('-')
        ? `segment ${shown(segment)} starts with "-" (it would read as a command-line option)`
        : `segment ${shown(segment)} has characters outside [A-Za-z0-9@._+-] or does not start with a letter, digit or @`;
    }
    if (Buffer.byteLength(segment) > NAME_MAX) return `segment is longer than ${NAME_MAX} bytes`;
  }
  return null;
}

/** Why a mount point is unsafe, or null. */
export function mountPointProblem(path: string): string | null {
  if (!path.startsWith('/')) return 'is not absolute';
  if (Buffer.byteLength(path) > PATH_MAX) return `is longer than ${PATH_MAX} bytes`;
  if (path === '/') return null;
  if (/[\s\x00-\x1f\x7f]/.test(path)) return 'contains whitespace or control characters';
  if (path.includes(',')) return 'contains "," (it would split a mount option list)';
  if (path.endsWith('/')) return 'ends with "/" (not normalised)';
  for (const segment of path.slice(1).split('/')) {
    if (segment.length === 0) return 'contains "//" (not normalised)';
    if (segment === '.' || segment === '..') return `contains a "${segment}" segment`;
    if (!MOUNT_SEGMENT.test(segment)) return `segment ${shown(segment)} has characters outside [A-Za-z0-9@._+~:=-]`;
    if (Buffer.byteLength(segment) > NAME_MAX) return `segment is longer than ${NAME_MAX} bytes`;
  }
  return null;
}

function subvolumeProblems(pool: PoolPlan, sub: SubvolumePlan): Finding[] {
  const findings: Finding[] = [];
  const subject = subvolumeSubject(pool, sub);
  const name = nameProblem(sub.name);
  if (name !== null) {
    findings.push(finding('invalid-name', 'error', subject,
      `subvolume name ${shown(sub.name)} ${name}; names are used in btrfs commands, Nix strings and paths, so only [A-Za-z0-9@._+-] segments are accepted.`,
      'rename the subvolume in the profile (e.g. "@data")'));
  }
  if (sub.mountPoint !== null) {
    const problem = mountPointProblem(sub.mountPoint);
    if (problem !== null) {
      findings.push(finding('invalid-name', 'error', subject,
        `mount point ${shown(sub.mountPoint)} ${problem}; mount points are written into fstab-style option lists, systemd unit names and Nix strings.`,
        `set ${overrideOf(sub, 'mountPoint')} to a normalised absolute path such as "/var/lib/data"`));
    }
  }
  if (sub.swapfile !== null) {
    const problem = nameProblem(sub.swapfile.path);
    if (problem !== null) {
      findings.push(finding('invalid-name', 'error', subject,
        `swapfile path ${shown(sub.swapfile.path)} ${problem}; it must stay inside the subvolume.`,
        'use a plain file name such as "swapfile"'));
    }
  }
  return findings;
}

export function checkInvalidNames(plan: StoragePlan): Finding[] {
  const findings: Finding[] = [];
  for (const pool of plan.pools) {
    if (!POOL_NAME.test(pool.name)) {
      findings.push(finding('invalid-name', 'error', poolSubject(pool),
        `pool name ${shown(pool.name)} is not [A-Za-z][A-Za-z0-9_-]{0,63}; it becomes a disko attribute name and part of the filesystem label.`,
        'rename the pool in the profile (e.g. "primary")'));
    }
    for (const sub of pool.subvolumes) findings.push(...subvolumeProblems(pool, sub));
  }
  return findings;
}

export function checkDuplicateSubvolumes(plan: StoragePlan): Finding[] {
  const findings: Finding[] = [];
  for (const pool of plan.pools) {
    const seen = new Set<string>();
    for (const sub of pool.subvolumes) {
      if (!seen.has(sub.name)) { seen.add(sub.name); continue; }
      findings.push(finding('duplicate-subvolume', 'error', subvolumeSubject(pool, sub),
        `pool ${shown(pool.name)} lists subvolume ${shown(sub.name)} more than once; btrfs subvolume create fails on the second, and overrides cannot tell them apart.`,
        'remove or rename the duplicate in the profile'));
    }
  }
  return findings;
}
