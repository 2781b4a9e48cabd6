// A spec host's nixos-facter report with its disks swapped for the VM's: everything else (machine
// kind, firmware, SMBIOS, virtualisation) stays the real report's, so detection and planning see the
// host they would see, and every disk field panther reads (kernel name, size, serial, model) is the
// VM's. Pure; guest/facter.ts feeds it what the guest reads from /sys/block.

/** A disk as the guest kernel sees it. */
export interface GuestDisk {
  /** Kernel name: nvme0n1, sda, vdb. */
  name: string;
  sizeBytes: number;
  serial: string;
  model: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function sizeOf(entry: Json): number {
  const resources = Array.isArray(entry.resources) ? entry.resources : [];
  const size = resources.find((r): r is Json => isObject(r) && r.type === 'size');
  return size === undefined ? 0 : Number(size.value_1) * Number(size.value_2);
}

/**
 * `report` with hardware.disk replaced: one entry per guest disk in `disks` (the pool disks, in pool
 * order), each a copy of the report's disk entry of the same rank by size (largest first: the
 * spec's primary disk is its largest) with the guest's name, size, serial and model. Disks of the
 * VM that are not the host's own (the backup disk) are simply not passed.
 */
export function swapDisks(report: unknown, disks: readonly GuestDisk[]): Json {
  if (!isObject(report) || !isObject(report.hardware) || !Array.isArray(report.hardware.disk)) {
    throw new Error('not a nixos-facter report with hardware.disk');
  }
  const entries = report.hardware.disk.filter(isObject).filter((e) => sizeOf(e) >= 1e9).sort((a, b) => sizeOf(b) - sizeOf(a));
  if (entries.length < disks.length) {
    throw new Error(`the report has ${entries.length} disk(s); the VM has ${disks.length} for this host`);
  }
  const swapped = disks.map((d, i) => {
    const e = structuredClone(entries[i]!);
    const resources = (Array.isArray(e.resources) ? e.resources : []).filter((r) => !(isObject(r) && r.type === 'size'));
    return {
      ...e,
      serial: d.serial,
      model: d.model,
      sysfs_id: `/class/block/${d.name}`,
      // No udev in the VM: no /dev/disk/by-id names, so the plan names the kernel device.
      unix_device_names: [`/dev/${d.name}`],
      resources: [...resources, { type: 'size', unit: 'sectors', value_1: d.sizeBytes / 512, value_2: 512 }],
    };
  });
  return { ...report, hardware: { ...report.hardware, disk: swapped } };
}

/** The serial in a SCSI VPD page 0x80 (4-byte header, then the serial), as sysfs gives it. */
export function vpdSerial(page: Buffer): string {
  if (page.length < 4 || page[1] !== 0x80) return '';
  const len = page.readUInt16BE(2);
  return page.subarray(4, 4 + len).toString('latin1').trim();
}

/**
 * The spec inventory with `host`'s expected disks made the VM's: each names the guest device found
 * (by serial) for its pool, and no size (the spec's are TBs). Pools are matched by the entry's `pool`,
 * else by position, as the inventory itself does. Only `host` is kept. Pure.
 */
export function vmInventory(inventory: unknown, host: string, pools: ReadonlyArray<{ role: string; name: string }>): Json {
  if (!isObject(inventory) || !isObject(inventory.hosts) || !isObject(inventory.hosts[host])) {
    throw new Error(`the inventory has no host ${host}`);
  }
  const entry = inventory.hosts[host];
  const expected = (Array.isArray(entry.disks) ? entry.disks : []).filter(isObject);
  const disks = expected.map((d, i) => {
    const role = typeof d.pool === 'string' ? d.pool : pools[i]?.role;
    const found = pools.find((p) => p.role === role);
    if (found === undefined) throw new Error(`${host}: the inventory's disk ${i} (pool ${role ?? '?'}) has no VM disk`);
    const { sizeGB: _size, ...rest } = d;
    return { ...rest, device: `/dev/${found.name}` };
  });
  return { hosts: { [host]: { ...entry, disks } } };
}
