// NOTES 5: btrfs swapfiles must be NODATACOW, uncompressed, preallocated, on one device; a subvolume with
// an active swapfile cannot be snapshotted (ETXTBSY, tested). So swap gets its own no-CoW subvolume that
// is never snapshotted and never backed up (ch-swapfile.rst, docs/knowledge/btrfs.md §6).
import { formatBytes } from '../../core/bytes.ts';
import type { Finding, StoragePlan } from '../types.ts';
import { finding, overrideOf, shown, subvolumeSubject, subvolumes, type Located, type RuleInfo } from './rule.ts';

/** mkswapfile refuses anything smaller (btrfs-filesystem.rst). */
export const MIN_SWAPFILE_BYTES = 40 * 1024;

export const SWAP_RULES: RuleInfo[] = [
  {
    id: 'swap-cow', title: 'swapfile in a CoW subvolume', severity: 'error', notes: 'NOTES 5',
    description: 'A swapfile must be NODATACOW (no checksums, no compression); its subvolume has to be no-CoW so the file inherits +C when it is created.',
  },
  {
    id: 'swap-snapshotted', title: 'swap subvolume snapshotted', severity: 'error', notes: 'NOTES 5',
    description: 'A subvolume with an active swapfile cannot be snapshotted: btrfs subvolume snapshot fails with "Text file busy".',
  },
  {
    id: 'swap-backed-up', title: 'swap subvolume backed up', severity: 'warning', notes: 'NOTES 5',
    description: 'Swap holds stale memory pages (possibly secrets) and cannot be snapshotted, so it cannot be sent; it must never be backed up.',
  },
  {
    id: 'swap-shared-subvolume', title: 'swapfile shares a subvolume with other data', severity: 'warning', notes: 'NOTES 5',
    description: 'A swapfile lives in a subvolume whose workload is not swap: that data can then never be snapshotted while swap is on, and it loses CoW too.',
  },
  {
    id: 'swap-size', title: 'swapfile size impossible', severity: 'error', notes: null,
    description: 'The swapfile is smaller than the 40 KiB minimum of btrfs filesystem mkswapfile, or larger than the device.',
  },
];

function swaps(plan: StoragePlan): Located[] {
  return subvolumes(plan).filter(({ sub }) => sub.swapfile !== null);
}

export function checkSwapCow(plan: StoragePlan): Finding[] {
  return swaps(plan).filter(({ sub }) => sub.cow).map(({ pool, sub }) =>
    finding('swap-cow', 'error', subvolumeSubject(pool, sub),
      `${shown(sub.name)} holds a swapfile but is CoW: btrfs swapfiles must be NODATACOW ("i.e. also NODATASUM, no compression", ch-swapfile.rst) and swapon refuses a CoW file; in a CoW subvolume the file only gets +C if whoever creates it sets it while it is empty.`,
      `set ${overrideOf(sub, 'cow')} = false (or remove that override); swap belongs in its own no-CoW subvolume`));
}

export function checkSwapSnapshotted(plan: StoragePlan): Finding[] {
  return swaps(plan).filter(({ sub }) => sub.snapshots !== null).map(({ pool, sub }) =>
    finding('swap-snapshotted', 'error', subvolumeSubject(pool, sub),
      `${shown(sub.name)} holds a swapfile and has snapshot tiers: a subvolume "cannot be snapshotted if it contains any active swapfiles" (ch-swapfile.rst); btrfs subvolume snapshot fails with "Text file busy" (tested), so every scheduled snapshot would fail.`,
      `set ${overrideOf(sub, 'snapshot')} = false`));
}

export function checkSwapBackedUp(plan: StoragePlan): Finding[] {
  return swaps(plan).filter(({ sub }) => sub.backup !== 'never').map(({ pool, sub }) =>
    finding('swap-backed-up', 'warning', subvolumeSubject(pool, sub),
      `${shown(sub.name)} holds a swapfile and is backed up ${sub.backup}: swap is stale memory (possibly keys and passwords) with no value after a restore, and backups are sent from snapshots, which swap subvolumes cannot have.`,
      `set ${overrideOf(sub, 'backup')} = "never"`));
}

export function checkSwapShared(plan: StoragePlan): Finding[] {
  return swaps(plan).filter(({ sub }) => sub.workload !== 'swap').map(({ pool, sub }) =>
    finding('swap-shared-subvolume', 'warning', subvolumeSubject(pool, sub),
      `the swapfile lives in ${shown(sub.name)}, a ${sub.workload} subvolume: while swap is on, that subvolume cannot be snapshotted (ETXTBSY), and the no-CoW the swapfile needs would also strip checksums and compression from the other data.`,
      'put the swapfile in its own subvolume with workload "swap" (e.g. @swap at /swap)'));
}

export function checkSwapSize(plan: StoragePlan): Finding[] {
  const findings: Finding[] = [];
  for (const { pool, sub } of swaps(plan)) {
    const size = sub.swapfile!.sizeBytes;
    let problem: string | null = null;
    if (!Number.isSafeInteger(size) || size < MIN_SWAPFILE_BYTES) {
      problem = `${String(size)} bytes is below the 40 KiB minimum of btrfs filesystem mkswapfile`;
    } else if (size > pool.deviceSizeBytes) {
      problem = `${formatBytes(size)} is larger than the whole device (${formatBytes(pool.deviceSizeBytes)}); mkswapfile preallocates it and fails with ENOSPC`;
    }
    if (problem === null) continue;
    findings.push(finding('swap-size', 'error', subvolumeSubject(pool, sub), `swapfile in ${shown(sub.name)}: ${problem}.`,
      'set overrides.swapSize to a size between 40K and the free space of the pool (e.g. "4G")'));
  }
  return findings;
}
