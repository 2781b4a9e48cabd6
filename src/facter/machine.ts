// What kind of machine a report describes, from virtualisation, SMBIOS vendor and chassis type.
// Deliberately ignores hardware.system.form_factor: hwinfo calls any machine with a bound battery
// driver (or a touchpad) a "laptop", and desktops were observed reporting it (docs/knowledge/facter.md §7).
import type { Firmware, MachineEvidence, MachineKind } from './types.ts';
import { idName, idValue, isObject, str, type RawObject } from './raw.ts';

const HYPERVISORS = new Set([
  'kvm', 'amazon', 'qemu', 'bochs', 'xen', 'uml', 'vmware', 'oracle', 'microsoft', 'zvm', 'parallels',
  'bhyve', 'qnx', 'acrn', 'powervm', 'power_vm', 'apple', 'sre', 'google', 'vm_other',
]);
const CONTAINERS = new Set([
  'systemd_nspawn', 'lxc_libvirt', 'lxc', 'openvz', 'docker', 'podman', 'rkt', 'wsl', 'proot', 'pouch',
  'container_other',
]);

// SMBIOS chassis types (DMTF DSP0134 7.4.1). 30 Tablet, 31 Convertible and 32 Detachable are portable
// too; hwinfo names 31 "Other", so only the number is trustworthy.
const LAPTOP_CHASSIS = new Set([8, 9, 10, 11, 14, 30, 31, 32]);
const DESKTOP_CHASSIS = new Set([3, 4, 5, 6, 7, 13, 15, 16, 24, 35, 36]);
const SERVER_CHASSIS = new Set([17, 23, 25, 28]);
const CHASSIS_NAMES: Record<number, string> = {
  1: 'Other', 2: 'Unknown', 3: 'Desktop', 4: 'Low Profile Desktop', 6: 'Mini Tower', 7: 'Tower',
  8: 'Portable', 9: 'Laptop', 10: 'Notebook', 11: 'Hand Held', 13: 'All in One', 14: 'Sub Notebook',
  17: 'Main Server Chassis', 23: 'Rack Mount Chassis', 30: 'Tablet', 31: 'Convertible', 32: 'Detachable',
  35: 'Mini PC', 36: 'Stick PC',
};

// Providers whose SMBIOS strings identify a cloud VM even when `virtualisation` says "none"
// (v0.4.4+ reports "none" when systemd-detect-virt is missing). Hetzner needs the product too:
// its dedicated servers also say "Hetzner" (docs/knowledge/facter.md §7).
const CLOUD_VENDORS: Array<{ name: string; test: (vendor: string, product: string) => boolean }> = [
  { name: 'Hetzner Cloud', test: (v, p) => /hetzner/i.test(v) && /vserver/i.test(p) },
  { name: 'netcup', test: (v) => /netcup/i.test(v) },
  { name: 'DigitalOcean', test: (v) => /digitalocean/i.test(v) },
  { name: 'Linode', test: (v) => /linode/i.test(v) },
  { name: 'Vultr', test: (v) => /vultr/i.test(v) },
  { name: 'OpenStack', test: (v, p) => /openstack/i.test(v) || /openstack nova/i.test(p) },
  { name: 'Contabo', test: (v) => /contabo/i.test(v) },
  { name: 'OVH', test: (v) => /\bovh/i.test(v) },
];

export function chassisName(type: number): string {
  return CHASSIS_NAMES[type] ?? 'type ' + String(type);
}

export function isContainer(virtualisation: string | null): boolean {
  return virtualisation !== null && CONTAINERS.has(virtualisation);
}

export function isHypervisor(virtualisation: string | null): boolean {
  return virtualisation !== null && HYPERVISORS.has(virtualisation);
}

/** smbios.chassis is one object before v0.3.3 and an array from v0.3.3 on. */
function chassisType(smbios: RawObject): number | null {
  const list = Array.isArray(smbios.chassis) ? smbios.chassis : [smbios.chassis];
  for (const chassis of list) {
    if (isObject(chassis)) {
      const value = idValue(chassis.chassis_type);
      if (value !== null) return value;
    }
  }
  return null;
}

function firmware(uefi: unknown): Firmware {
  if (isObject(uefi) && typeof uefi.supported === 'boolean') return uefi.supported ? 'uefi' : 'bios';
  return 'unknown';
}

function classify(m: Omit<MachineEvidence, 'kind' | 'kindReason'>, smbiosEmpty: boolean):
  { kind: MachineKind; reason: string } {
  const virt = m.virtualisation;
  if (isContainer(virt)) {
    return { kind: 'unknown', reason: `container (${virt}): never plan partitions from inside a container` };
  }
  if (isHypervisor(virt)) {
    const note = virt === 'oracle' ? ' = VirtualBox' : '';
    return { kind: 'vps', reason: `virtual machine (virtualisation ${virt}${note})` };
  }
  const cloud = CLOUD_VENDORS.find((c) => c.test(m.vendor ?? '', m.product ?? ''));
  if (cloud) {
    return { kind: 'vps', reason: `SMBIOS names a cloud provider (${cloud.name}) although virtualisation is ${virt ?? 'absent'}` };
  }
  const type = m.chassisType;
  if (type !== null) {
    const what = `SMBIOS chassis type ${type} (${chassisName(type)})`;
    if (LAPTOP_CHASSIS.has(type)) return { kind: 'laptop', reason: what };
    if (DESKTOP_CHASSIS.has(type)) return { kind: 'desktop', reason: what };
    if (SERVER_CHASSIS.has(type)) return { kind: 'server', reason: `${what} on bare metal` };
    return { kind: 'unknown', reason: `${what} says nothing about the kind of machine` };
  }
  const why = smbiosEmpty ? 'SMBIOS is empty (usual on aarch64 boards)' : 'no SMBIOS chassis type';
  return { kind: 'unknown', reason: `${why} and not virtualised` };
}

export function machineEvidence(root: RawObject): MachineEvidence {
  const smbios = isObject(root.smbios) ? root.smbios : {};
  const system = isObject(smbios.system) ? smbios.system : {};
  const virtRaw = str(root.virtualisation);
  const systemName = str(root.system);
  const base = {
    virtualisation: virtRaw === null ? null : virtRaw.toLowerCase().replaceAll('-', '_'),
    vendor: str(system.manufacturer) ?? idName(system.manufacturer),
    product: str(system.product),
    chassisType: chassisType(smbios),
    architecture: systemName === null ? null : (systemName.split('-')[0] ?? systemName),
    firmware: firmware(root.uefi),
  };
  const { kind, reason } = classify(base, Object.keys(smbios).length === 0);
  return { kind, ...base, kindReason: reason };
}
