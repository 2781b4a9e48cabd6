// Which physical disk carries which pool. With an inventory, its expected disks must all be found in
// the report (or the plan fails with the difference); without one, pools take the largest disks.
import { PantherError } from '../core/errors.ts';
import { formatGB } from '../core/bytes.ts';
import { splitDisks } from '../facter/detect.ts';
import type { Disk, HostReport } from '../facter/types.ts';
import type { ExpectedDisk, InventoryEntry } from './inventory.ts';
import type { ProfileDef } from './profile-types.ts';

export interface AssignedDisk {
  pool: string;
  device: string;
  sizeBytes: number;
}

const SIZE_TOLERANCE = 0.02;

/**
 * Disks eligible to carry a pool, largest first, ties by kernel name: not USB, not a cloud volume,
 * not install media (the same split detection uses), and not below the profile's floor (cache modules).
 */
export function systemDiskOrder(report: HostReport, profile: ProfileDef): Disk[] {
  return splitDisks(report.disks).considered
    .filter((d) => d.sizeBytes >= profile.match.disks.minBytes)
    .sort((a, b) => b.sizeBytes - a.sizeBytes || a.device.localeCompare(b.device));
}

export function assignDisks(profile: ProfileDef, report: HostReport | null, entry: InventoryEntry | undefined,
  host: string): AssignedDisk[] {
  const expected = entry?.disks ?? [];
  if (report === null) return assignFromInventory(profile, expected, host);

  const differences = compareWithInventory(report, expected, profile);
  if (differences.length > 0) {
    throw new PantherError('inventory-mismatch',
      `${report.source} does not match the inventory entry of ${host}:\n  ${differences.join('\n  ')}`, {
        subject: host, details: { differences },
        hint: 'fix the inventory if the hardware changed, or check that you passed the right host\'s report',
      });
  }
  const ordered = systemDiskOrder(report, profile);
  const matched = matchDisks(report.disks, expected);
  return profile.pools.map((pool, i) => {
    const at = expected.findIndex((d) => d.pool === pool.name);
    const want = at >= 0 ? at : i < expected.length ? i : -1;
    const disk = want < 0 ? ordered[pool.disk] : matched[want];
    if (disk === undefined) {
      throw new PantherError('plan-missing-disk', `${host}: pool ${pool.name} needs disk #${pool.disk + 1} but ${report.source} has only ${ordered.length} usable disk(s)`, {
        subject: host, hint: 'pick a profile with fewer pools, or list the disks in the inventory',
      });
    }
    return { pool: pool.name, device: disk.stableDevice, sizeBytes: disk.sizeBytes };
  });
}

function assignFromInventory(profile: ProfileDef, expected: ExpectedDisk[], host: string): AssignedDisk[] {
  return profile.pools.map((pool, i) => {
    const want = expected.find((d) => d.pool === pool.name) ?? expected[i];
    if (want?.device === undefined || want.sizeGB === undefined) {
      throw new PantherError('plan-needs-disks', `${host}: no hardware report and no device/size for pool ${pool.name}`, {
        subject: host, hint: 'pass --facter facter.json, or give disks: [{ "device": …, "sizeGB": … }] in the inventory',
      });
    }
    return { pool: pool.name, device: want.device, sizeBytes: Math.round(want.sizeGB * 1e9) };
  });
}

/** Every way the report disagrees with the inventory, in words. Empty when they agree. */
export function compareWithInventory(report: HostReport, expected: ExpectedDisk[], profile: ProfileDef): string[] {
  const differences: string[] = [];
  const usable = systemDiskOrder(report, profile);
  if (expected.length === 0 && usable.length < profile.pools.length) {
    differences.push(`profile ${profile.id} needs ${profile.pools.length} disk(s); the report has ${usable.length} usable`);
  }
  const matched = matchDisks(report.disks, expected);
  expected.forEach((want, i) => {
    const label = `disks[${i}]${want.device === undefined ? '' : ` (${want.device})`}`;
    const disk = matched[i];
    if (disk === undefined) {
      const taken = findDisk(report.disks, want, new Set());
      const earlier = taken === undefined ? -1 : matched.indexOf(taken);
      differences.push(earlier >= 0 && earlier < i
        ? `${label}: the report's only match is ${taken!.device}, already matched by disks[${earlier}]; the report has ${report.disks.length} disk(s): ${report.disks.map(describe).join(', ')}`
        : `${label}: not in the report; it has ${report.disks.map(describe).join(', ') || 'no usable disks'}`);
      return;
    }
    if (want.sizeGB !== undefined && Math.abs(disk.sizeBytes / 1e9 - want.sizeGB) > want.sizeGB * SIZE_TOLERANCE) {
      differences.push(`${label}: expected ${want.sizeGB} GB, report says ${formatGB(disk.sizeBytes)}`);
    }
    if (want.transport !== undefined && disk.transport !== want.transport) {
      differences.push(`${label}: expected ${want.transport}, report says ${disk.transport}`);
    }
  });
  return differences;
}

/**
 * The report's disk for each expected disk, in order; each report disk answers for one expected disk
 * only, so an inventory listing two disks never matches a report that has one.
 */
function matchDisks(disks: Disk[], expected: ExpectedDisk[]): Array<Disk | undefined> {
  const used = new Set<Disk>();
  return expected.map((want) => {
    const disk = findDisk(disks, want, used);
    if (disk !== undefined) used.add(disk);
    return disk;
  });
}

function findDisk(disks: Disk[], want: ExpectedDisk, used: ReadonlySet<Disk>): Disk | undefined {
  const free = disks.filter((d) => !used.has(d));
  if (want.device !== undefined) return free.find((d) => d.device === want.device || d.stableDevice === want.device);
  if (want.sizeGB !== undefined) {
    const size = want.sizeGB;
    return free.find((d) => Math.abs(d.sizeBytes / 1e9 - size) <= size * SIZE_TOLERANCE);
  }
  return undefined;
}

function describe(d: Disk): string {
  return `${d.device} ${formatGB(d.sizeBytes)} ${d.transport}`;
}
