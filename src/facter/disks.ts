// One hardware.disk[] entry → a disk to install on, or an ignored device with a reason. Nothing is
// dropped silently: every entry ends up in HostReport.disks or HostReport.ignored, or throws.
import { PantherError } from '../core/errors.ts';
import { formatGB } from '../core/bytes.ts';
import type { Disk, IgnoredDevice, Transport } from './types.ts';
import { idName, idValue, isObject, str, strings, type RawObject } from './raw.ts';
import { isContainer, isHypervisor } from './machine.ts';

export type DiskOutcome = { disk: Disk } | { ignored: IgnoredDevice };

export interface DiskContext {
  source: string;
  virtualisation: string | null;
  /** hardware class array name of every entry with an `index` (to resolve `attached_to`). */
  classByIndex: Map<number, string>;
}

const MIN_BYTES = 1e9;
// A cloud config drive is a few hundred sectors (observed: 964); 64 MiB leaves room for larger seeds.
const CONFIG_DRIVE_MAX_BYTES = 64 * 1024 ** 2;

// Kernel names that are never disks to install on, whatever their size (docs/knowledge/facter.md §4).
const NOT_DISKS: Array<[RegExp, string]> = [
  [/^zram\d+$/, 'zram (compressed swap in RAM), not a disk'],
  [/^ram\d+$/, 'RAM disk, not a disk'],
  [/^zd\d+$/, 'ZFS zvol (a volume inside a ZFS pool), not a physical disk'],
  [/^loop\d+$/, 'loop device (a file attached as a disk)'],
  [/^fd\d+$/, 'floppy drive'],
  [/^sr\d+$/, 'optical drive'],
  [/^mmcblk\d+boot\d+$/, 'eMMC boot partition (a small hardware area of the eMMC), not a disk'],
  [/^mmcblk\d+rpmb$/, 'eMMC replay-protected memory block, not a disk'],
  [/^(md\d+|dm-\d+|bcache\d+|nbd\d+)$/, 'virtual block device (RAID, device-mapper, bcache or network)'],
];

const INSTALLER_LABEL = /^nixos-/i;

function hasUsbSignal(e: RawObject, names: string[], ctx: DiskContext): boolean {
  const drivers = [str(e.driver), ...strings(e.drivers)];
  const parent = typeof e.attached_to === 'number' ? ctx.classByIndex.get(e.attached_to) : undefined;
  return strings(e.class_list).includes('usb') ||
    drivers.some((d) => d === 'usb-storage' || d === 'uas') ||
    (str(e.sysfs_device_link) ?? '').includes('/usb') ||
    names.some((n) => n.startsWith('/dev/disk/by-id/usb-') || (n.startsWith('/dev/disk/by-path/') && n.includes('-usb-'))) ||
    parent === 'usb_controller' || parent === 'usb' ||
    (str(e.module_alias) ?? '').startsWith('usb:');
}

function transportOf(e: RawObject, kernel: string, usb: boolean): Transport {
  if (usb) return 'usb';
  const drivers = new Set([str(e.driver), ...strings(e.drivers)].filter((d): d is string => d !== null));
  const bus = (idName(e.bus_type) ?? '').toUpperCase();
  if (/^nvme\d+n\d+$/.test(kernel) || bus === 'NVME' || strings(e.class_list).includes('nvme')) return 'nvme';
  if (/^mmcblk\d+$/.test(kernel)) return 'mmc';
  if (/^vd[a-z]+$/.test(kernel) || drivers.has('virtio_blk')) return 'virtio-blk';
  if (drivers.has('virtio_scsi')) return 'virtio-scsi';
  if (bus === 'SAS' || ['mpt3sas', 'mpt2sas', 'megaraid_sas', 'smartpqi', 'hpsa', 'aacraid'].some((d) => drivers.has(d))) {
    return 'sas';
  }
  // hwinfo names libata's bus "IDE" (133) for SATA disks too.
  if (bus === 'IDE' || idValue(e.bus_type) === 133 || drivers.has('ahci') || drivers.has('ata_piix') ||
    strings(e.class_list).includes('ide')) return 'sata';
  return 'other';
}

/** by-id model+serial names first; eui/wwn/nvme-nvme are opaque hashes a user cannot recognise. */
function stableName(names: string[], device: string): string {
  const byId = names.filter((n) => n.startsWith('/dev/disk/by-id/'));
  const readable = byId.find((n) => !/^\/dev\/disk\/by-id\/(nvme-eui\.|nvme-nvme\.|wwn-)/.test(n));
  return readable ?? byId[0] ?? names.find((n) => n.startsWith('/dev/disk/by-path/')) ?? device;
}

interface SizeResource { sectors: number; sectorSize: number }

function sizeResource(e: RawObject, subject: string): SizeResource | null {
  const resources = Array.isArray(e.resources) ? e.resources : [];
  const size = resources.find((r) => isObject(r) && r.type === 'size');
  if (!isObject(size)) return null;
  const sectors = size.value_1;
  const sectorSize = size.value_2 ?? 512; // omitempty in facter; never observed absent
  if (!Number.isSafeInteger(sectors) || (sectors as number) < 0 ||
    !Number.isSafeInteger(sectorSize) || (sectorSize as number) <= 0) {
    throw new PantherError('facter-bad-size',
      `${subject}: "size" resource has value_1=${JSON.stringify(sectors)}, value_2=${JSON.stringify(size.value_2)}; expected sector count and sector size`,
      { subject, hint: 'pass --disk-size or fix the report' });
  }
  return { sectors: sectors as number, sectorSize: sectorSize as number };
}

function kernelName(e: RawObject, names: string[]): { name: string | null; block: boolean } {
  const sysfs = str(e.sysfs_id);
  if (sysfs !== null) {
    const block = sysfs.startsWith('/class/block/');
    return { name: sysfs.split('/').pop() ?? null, block };
  }
  // Pre-sysfs_id entries: fall back to a plain /dev node, never /dev/root (sorts first, docs/knowledge/facter.md §2).
  const node = str(e.unix_device_name) ?? names.find((n) => /^\/dev\/[^/]+$/.test(n) && n !== '/dev/root');
  return node === undefined || node === null ? { name: null, block: false } : { name: node.slice(5), block: true };
}

function tooSmall(device: string, bytes: number, sectors: number, labels: string[], ctx: DiskContext): IgnoredDevice {
  if (labels.some((l) => /^(config-2|cidata)$/i.test(l))) {
    return { device, reason: `cloud config drive (label ${labels.join(', ')}), not a disk` };
  }
  if (isHypervisor(ctx.virtualisation) && bytes < CONFIG_DRIVE_MAX_BYTES) {
    return { device, reason: `tiny virtual disk (${sectors} sectors), likely a cloud config drive` };
  }
  if (bytes === 0) return { device, reason: 'empty (0 bytes): no medium' };
  return { device, reason: `too small to install on (${formatGB(bytes)} < 1 GB)` };
}

export function readDiskEntry(entry: unknown, i: number, ctx: DiskContext): DiskOutcome {
  const where = `hardware.disk[${i}]`;
  if (!isObject(entry)) {
    throw new PantherError('facter-bad-field', `${ctx.source}: ${where} is not an object`, { subject: `${ctx.source}: ${where}` });
  }
  const names = strings(entry.unix_device_names);
  const model = str(entry.model) ?? idName(entry.device) ?? '';
  const usb = hasUsbSignal(entry, names, ctx);
  const { name, block } = kernelName(entry, names);
  if (name === null || !block) {
    const what = usb || idName(entry.bus_type) === 'USB' ? 'USB mass-storage interface' : 'entry';
    const label = `${where}${model ? ` "${model}"` : ''}`;
    return { ignored: { device: label, reason: `${what} without a block device (sysfs_id ${str(entry.sysfs_id) ?? 'absent'})` } };
  }
  const device = '/dev/' + name;
  const notDisk = NOT_DISKS.find(([re]) => re.test(name));
  if (notDisk) return { ignored: { device, reason: notDisk[1] } };

  const subject = `${ctx.source}: ${where} (${device})`;
  const size = sizeResource(entry, subject);
  // No size means hwinfo could not open the device. That is expected for USB readers without a
  // medium and for every disk seen from inside a container (the host's disks); anything else is a
  // real disk we cannot plan for, so it is an error rather than a guess.
  if (size === null) {
    if (isContainer(ctx.virtualisation)) {
      return { ignored: { device, reason: `no size: seen from inside a container (${ctx.virtualisation}), this is the host's disk` } };
    }
    if (usb) return { ignored: { device, reason: 'removable USB device with no medium (empty card reader?)' } };
    throw new PantherError('facter-disk-no-size', `${subject} has no "size" resource: cannot tell how big the disk is`,
      { subject, hint: 'pass --disk-size or fix the report' });
  }
  const bytes = size.sectors * size.sectorSize;
  const labels = names.filter((n) => n.startsWith('/dev/disk/by-label/')).map((n) => n.slice('/dev/disk/by-label/'.length));
  if (bytes < MIN_BYTES) return { ignored: tooSmall(device, bytes, size.sectors, labels, ctx) };
  const disk: Disk = {
    device,
    stableDevice: stableName(names, device),
    sizeBytes: bytes,
    logicalSectorSize: size.sectorSize,
    transport: transportOf(entry, name, usb),
    removable: usb,
    model,
    reportIndex: i,
  };
  if (labels.length > 0) disk.labels = labels;
  if (names.includes('/dev/root')) disk.holdsRoot = true;
  return { disk };
}

export function isInstallerLabel(label: string): boolean {
  return INSTALLER_LABEL.test(label);
}
