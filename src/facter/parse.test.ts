import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isPantherError, type PantherError } from '../core/errors.ts';
import { parseFacterReport, readFacterReport } from './parse.ts';
import { jsonErrorPosition } from './json-position.ts';
import type { Disk, HostReport } from './types.ts';

// Real reports (copied from public repositories, provenance in its README) are in test/fixtures/facter/real/, synthetic ones beside it.
const REAL = fileURLToPath(new URL('../../test/fixtures/facter/real/', import.meta.url));
const SYNTH = fileURLToPath(new URL('../../test/fixtures/facter/', import.meta.url));
const HOSTS = fileURLToPath(new URL('../../examples/facter/', import.meta.url));
const realPath = (f: string) => REAL + f;

function loadJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

type DiskFacts = Pick<Disk, 'device' | 'stableDevice' | 'sizeBytes' | 'logicalSectorSize' | 'transport' | 'removable' | 'model'>;
const facts = (r: HostReport): DiskFacts[] => r.disks.map(({ device, stableDevice, sizeBytes, logicalSectorSize, transport, removable, model }) =>
  ({ device, stableDevice, sizeBytes, logicalSectorSize, transport, removable, model }));

function throwsPanther(fn: () => unknown, code: string): PantherError {
  try {
    fn();
  } catch (error) {
    assert.ok(isPantherError(error), `expected PantherError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}`);
}

async function rejectsPanther(promise: Promise<unknown>, code: string): Promise<PantherError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isPantherError(error));
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}`);
}

test('real reports: disks, sizes, transports and stable names', async () => {
  const dual = await readFacterReport(realPath('laptop-dual-nvme.json'));
  assert.deepEqual(facts(dual), [
    { device: '/dev/nvme0n1', stableDevice: '/dev/disk/by-id/nvme-SPCC_M.2_PCIe_SSD_2022100700029', sizeBytes: 1953525168 * 512, logicalSectorSize: 512, transport: 'nvme', removable: false, model: 'SPCC M.2 PCIe SSD' },
    { device: '/dev/nvme1n1', stableDevice: '/dev/disk/by-id/nvme-WD_PC_SN740_SDDPNQD-512G-1002_24180T805385', sizeBytes: 512110190592, logicalSectorSize: 512, transport: 'nvme', removable: false, model: 'WD PC SN740 SDDPNQD-512G-1002' },
  ]);
  assert.deepEqual(dual.ignored, []);

  const single = await readFacterReport(realPath('laptop-single-nvme.json'));
  assert.deepEqual(facts(single), [
    { device: '/dev/nvme0n1', stableDevice: '/dev/disk/by-id/nvme-SKHynix_HFS512GDE9X081N_FYB3N054214803S4P', sizeBytes: 512110190592, logicalSectorSize: 512, transport: 'nvme', removable: false, model: 'SKHynix_HFS512GDE9X081N' },
  ]);

  const old = await readFacterReport(realPath('laptop-nvme-old-format.json'));
  assert.equal(old.format, 'version-2');
  assert.deepEqual(old.disks.map((d) => [d.device, d.sizeBytes, d.transport, d.stableDevice]),
    [['/dev/nvme0n1', 2000398934016, 'nvme', '/dev/disk/by-id/nvme-WD_BLACK_SN850X_2000GB_23130X800799']]);
  assert.equal(old.ignored.length, 1);
  assert.equal(old.ignored[0]?.device, '/dev/zd0');
  assert.match(old.ignored[0]?.reason ?? '', /^ZFS zvol/);

  const hetzner = await readFacterReport(realPath('vps-virtio-scsi.json'));
  assert.deepEqual(facts(hetzner), [
    { device: '/dev/sda', stableDevice: '/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_60374697', sizeBytes: 163842097152, logicalSectorSize: 512, transport: 'virtio-scsi', removable: false, model: 'QEMU HARDDISK' },
  ]);
  const netcup = await readFacterReport(realPath('vps-virtio-blk.json'));
  // No serial → no by-id; by-path is the stable name (docs/knowledge/facter.md §2).
  assert.deepEqual(facts(netcup), [
    { device: '/dev/vda', stableDevice: '/dev/disk/by-path/pci-0000:00:10.0', sizeBytes: 85899345920, logicalSectorSize: 512, transport: 'virtio-blk', removable: false, model: 'Disk' },
  ]);
});

test('real reports: machine evidence and format era', async () => {
  const cases: Array<[string, HostReport['format'], string, string | null, number | null, string]> = [
    ['laptop-dual-nvme.json', 'v0.4.1+', 'laptop', 'ASUSTeK COMPUTER INC.', 10, 'uefi'],
    ['laptop-single-nvme.json', 'v0.4.1+', 'laptop', 'LENOVO', 10, 'uefi'],
    ['laptop-nvme-old-format.json', 'version-2', 'laptop', 'Framework', 10, 'unknown'],
    ['vps-virtio-scsi.json', 'v0.2+', 'vps', 'Hetzner', 1, 'unknown'],
    ['vps-virtio-blk.json', 'v0.4.1+', 'vps', 'netcup', 1, 'unknown'],
  ];
  for (const [file, format, kind, vendor, chassis, firmware] of cases) {
    const r = await readFacterReport(realPath(file));
    assert.deepEqual([r.format, r.machine.kind, r.machine.vendor, r.machine.chassisType, r.machine.firmware, r.machine.architecture],
      [format, kind, vendor, chassis, firmware, 'x86_64'], file);
    assert.equal(r.source, realPath(file));
  }
});

/** Applies `edit` to every object in a JSON tree (to fake older report eras from newer ones). */
function walk(value: unknown, edit: (o: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) value.forEach((v) => walk(v, edit));
  else if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    edit(o);
    Object.values(o).forEach((v) => walk(v, edit));
  }
}

test('every format era gives the same disks: v0.1 (no hex, no class_list), v0.3.3 (chassis array + unix_device_name)', () => {
  const json = loadJson(realPath('laptop-dual-nvme.json'));
  const expected = facts(parseFacterReport(json, 'facter.json'));

  const v01 = structuredClone(json);
  walk(v01, (o) => { delete o.hex; delete o.class_list; delete o.index; delete o.attached_to; });
  delete v01.uefi;
  const r01 = parseFacterReport(v01, 'facter.json');
  assert.equal(r01.format, 'v0.1');
  assert.deepEqual(facts(r01), expected);
  assert.equal(r01.machine.kind, 'laptop');

  const v033 = structuredClone(json);
  delete v033.uefi;
  for (const d of v033.hardware.disk) d.unix_device_name = d.unix_device_names.at(-1);
  const r033 = parseFacterReport(v033, 'facter.json');
  assert.equal(r033.format, 'v0.3.3+');
  assert.equal(r033.machine.firmware, 'unknown');
  assert.deepEqual(facts(r033), expected);

  // Before v0.3.3 chassis was one object.
  const v02 = structuredClone(v033);
  v02.smbios.chassis = v02.smbios.chassis[0];
  for (const d of v02.hardware.disk) for (const r of d.resources) if (r.type === 'disk_geo') r.size = 0;
  const r02 = parseFacterReport(v02, 'facter.json');
  assert.equal(r02.format, 'v0.2+');
  assert.equal(r02.machine.chassisType, 10);
});

test('IDs as plain strings and IDs without hex are read', () => {
  const json = loadJson(`${SYNTH}trap-desktop.json`);
  const sata = json.hardware.disk[1];
  sata.bus_type = 'IDE';
  sata.class_list = ['disk', 'block_device'];
  sata.drivers = ['sd'];
  sata.driver = 'sd';
  json.smbios.chassis[0].chassis_type = { name: 'Desktop', value: 3 };
  json.smbios.system.manufacturer = 'Virtio';
  const r = parseFacterReport(json, 'facter.json');
  assert.equal(r.disks.find((d) => d.device === '/dev/sda')?.transport, 'sata');
  assert.equal(r.machine.chassisType, 3);
  assert.equal(r.machine.vendor, 'Virtio');
});

test('synthetic fixtures: disks and ignored devices', async () => {
  const zephyrus = await readFacterReport(`${HOSTS}zephyrus.json`);
  assert.deepEqual(zephyrus.disks.map((d) => [d.device, d.sizeBytes, d.transport, d.stableDevice]), [
    ['/dev/nvme0n1', 2000398934016, 'nvme', '/dev/disk/by-id/nvme-Samsung_SSD_990_PRO_2TB_S7DNNJ0W512345K'],
    ['/dev/nvme1n1', 1000204886016, 'nvme', '/dev/disk/by-id/nvme-Micron_2400_MTFDKBA1T0QFM_2302401A2B3C'],
  ]);
  assert.equal(zephyrus.machine.firmware, 'uefi');

  const yoga = await readFacterReport(`${HOSTS}yoga.json`);
  assert.deepEqual(yoga.disks.map((d) => [d.device, d.sizeBytes, d.logicalSectorSize]), [['/dev/nvme0n1', 244190646 * 4096, 4096]]);
  assert.deepEqual([yoga.machine.kind, yoga.machine.chassisType], ['laptop', 31]);

  const hetzner = await readFacterReport(`${HOSTS}hetzner.json`);
  assert.deepEqual(hetzner.disks.map((d) => [d.device, d.sizeBytes, d.transport]), [['/dev/sda', 458e9, 'virtio-scsi']]);
  assert.deepEqual([hetzner.format, hetzner.machine.firmware], ['v0.2+', 'unknown']);

  const ovh = await readFacterReport(`${HOSTS}ovh.json`);
  assert.deepEqual(ovh.disks.map((d) => [d.device, d.sizeBytes, d.transport]), [['/dev/vda', 200e9, 'virtio-blk']]);
  assert.deepEqual(ovh.ignored, [{ device: '/dev/vdb', reason: 'cloud config drive (label config-2), not a disk' }]);

  const pi = await readFacterReport(`${SYNTH}trap-raspberry-pi.json`);
  assert.deepEqual(pi.disks.map((d) => [d.device, d.transport, d.sizeBytes]), [['/dev/mmcblk0', 'mmc', 61071360 * 512]]);
  assert.deepEqual(pi.ignored.map((i) => i.device), ['/dev/mmcblk0boot0', '/dev/mmcblk0boot1']);
  assert.ok(pi.ignored.every((i) => i.reason.startsWith('eMMC boot partition')));
  assert.deepEqual([pi.machine.architecture, pi.machine.firmware, pi.machine.kind], ['aarch64', 'bios', 'unknown']);

  const usb = await readFacterReport(`${SYNTH}trap-usb-installer.json`);
  assert.deepEqual(usb.disks.map((d) => [d.device, d.transport, d.removable, d.stableDevice]), [
    ['/dev/nvme0n1', 'nvme', false, '/dev/disk/by-id/nvme-SKHynix_HFS512GDE9X081N_FYB3N054214803S4P'],
    ['/dev/sda', 'usb', true, '/dev/disk/by-id/usb-SanDisk_Cruzer_Blade_4C530001230815116085-0:0'],
  ]);
  assert.deepEqual(usb.disks[1]?.labels, ['nixos-minimal-25.05-x86_64']);
  assert.deepEqual(usb.ignored.map((i) => i.device), ['/dev/sdb', 'hardware.disk[3] "Realtek RTS5129 Card Reader Controller"']);
  assert.match(usb.ignored[0]?.reason ?? '', /no medium/);
  assert.match(usb.ignored[1]?.reason ?? '', /^USB mass-storage interface without a block device/);

  const lxc = await readFacterReport(`${SYNTH}trap-lxc.json`);
  assert.deepEqual(lxc.disks, []);
  assert.deepEqual(lxc.ignored.map((i) => i.device), ['/dev/sda', '/dev/sdb']);
  assert.match(lxc.ignored[0]?.reason ?? '', /inside a container \(lxc\)/);

  const optane = await readFacterReport(`${SYNTH}trap-optane-cache.json`);
  assert.deepEqual(optane.disks.map((d) => [d.device, d.transport, d.sizeBytes]), [
    ['/dev/nvme0n1', 'nvme', 28131328 * 512], ['/dev/nvme1n1', 'nvme', 28131328 * 512], ['/dev/sda', 'sata', 1953525168 * 512],
  ]);
  const volume = await readFacterReport(`${SYNTH}trap-hetzner-with-volume.json`);
  assert.deepEqual(volume.disks.map((d) => [d.device, d.model, d.sizeBytes]), [['/dev/sda', 'QEMU HARDDISK', 458e9], ['/dev/sdb', 'HC Volume', 100e9]]);
});

/** A minimal current-format report with the given disk entries. */
function report(disks: unknown[], extra: Record<string, unknown> = {}): unknown {
  return { version: 1, system: 'x86_64-linux', virtualisation: 'none', hardware: { disk: disks }, smbios: {}, ...extra };
}
const block = (name: string, sectors: number | null, more: Record<string, unknown> = {}) => ({
  sysfs_id: `/class/block/${name}`, model: 'Disk', unix_device_names: [`/dev/${name}`],
  ...(sectors === null ? {} : { resources: [{ type: 'size', unit: 'sectors', value_1: sectors, value_2: 512 }] }), ...more,
});

test('devices that are never disks are ignored with a reason, whatever their size', () => {
  const names = ['zram0', 'ram3', 'zd16', 'loop0', 'fd0', 'sr0', 'mmcblk1boot1'];
  const r = parseFacterReport(report(names.map((n) => block(n, 4e9))), 'facter.json');
  assert.deepEqual(r.disks, []);
  assert.deepEqual(r.ignored.map((i) => i.device), names.map((n) => `/dev/${n}`));
  const reasons = r.ignored.map((i) => i.reason);
  for (const [i, re] of [/^zram/, /^RAM disk/, /^ZFS zvol/, /^loop device/, /^floppy/, /^optical/, /^eMMC boot partition/].entries()) {
    assert.match(reasons[i] ?? '', re);
  }
});

test('small devices: too small on bare metal, config drive on a VM; value_2 defaults to 512', () => {
  const bare = parseFacterReport(report([block('sdc', 976562)]), 'facter.json');
  assert.deepEqual(bare.ignored, [{ device: '/dev/sdc', reason: 'too small to install on (0.5 GB < 1 GB)' }]);
  const vm = parseFacterReport(report([block('vdb', 964)], { virtualisation: 'kvm' }), 'facter.json');
  assert.deepEqual(vm.ignored, [{ device: '/dev/vdb', reason: 'tiny virtual disk (964 sectors), likely a cloud config drive' }]);
  const noSectorSize = parseFacterReport(report([{ ...block('sda', null), resources: [{ type: 'size', unit: 'sectors', value_1: 4000000 }] }]), 'facter.json');
  assert.equal(noSectorSize.disks[0]?.sizeBytes, 4000000 * 512);
  assert.equal(noSectorSize.disks[0]?.logicalSectorSize, 512);
});

test('stable name: readable by-id, then any by-id, then by-path, then the kernel node', () => {
  const names = (list: string[]) => parseFacterReport(report([{ ...block('nvme0n1', 4e9), unix_device_names: list }]), 'f').disks[0]?.stableDevice;
  assert.equal(names(['/dev/disk/by-id/nvme-eui.0025', '/dev/disk/by-id/nvme-Foo_123', '/dev/disk/by-path/pci-1', '/dev/nvme0n1']), '/dev/disk/by-id/nvme-Foo_123');
  assert.equal(names(['/dev/disk/by-id/nvme-eui.0025', '/dev/disk/by-path/pci-1', '/dev/nvme0n1']), '/dev/disk/by-id/nvme-eui.0025');
  assert.equal(names(['/dev/disk/by-path/pci-1', '/dev/nvme0n1']), '/dev/disk/by-path/pci-1');
  // /dev/root sorts first and must not be taken as the node (docs/knowledge/facter.md §2).
  assert.equal(names(['/dev/nvme0n1', '/dev/root']), '/dev/nvme0n1');
  const rooted = parseFacterReport(report([{ ...block('sda', 4e9), unix_device_names: ['/dev/root', '/dev/sda'] }]), 'f');
  assert.deepEqual([rooted.disks[0]?.device, rooted.disks[0]?.holdsRoot], ['/dev/sda', true]);
});

test('errors name the file and the field', () => {
  const noHw = throwsPanther(() => parseFacterReport(loadJson(`${SYNTH}malformed-no-hardware.json`), 'facter.json'), 'facter-no-hardware');
  assert.equal(noHw.message, 'facter.json: no "hardware" object; is this a nixos-facter report? run nixos-facter > facter.json');
  assert.equal(noHw.exitCode, 1);
  throwsPanther(() => parseFacterReport([1, 2], 'facter.json'), 'facter-no-hardware');

  const spike = throwsPanther(() => parseFacterReport({ hardware: [{ hardware_class: 'disk', bus: 'nvme' }] }, 'facter.json'), 'facter-spike-format');
  assert.match(spike.message, /^facter\.json: "hardware" is a flat array/);
  assert.match(spike.hint ?? '', /nixos-facter > facter\.json/);

  const noSize = throwsPanther(() => parseFacterReport(loadJson(`${SYNTH}malformed-disk-no-size.json`), 'facter.json'), 'facter-disk-no-size');
  assert.equal(noSize.subject, 'facter.json: hardware.disk[2] (/dev/sdb)');
  assert.match(noSize.message, /^facter\.json: hardware\.disk\[2\] \(\/dev\/sdb\) has no "size" resource/);
  assert.equal(noSize.hint, 'pass --disk-size or fix the report');

  const badDisk = throwsPanther(() => parseFacterReport(report(['sda']), 'facter.json'), 'facter-bad-field');
  assert.equal(badDisk.message, 'facter.json: hardware.disk[0]: expected an object, got "sda"');
  const notList = throwsPanther(() => parseFacterReport({ hardware: { disk: {} } }, 'facter.json'), 'facter-bad-field');
  assert.equal(notList.message, 'facter.json: hardware.disk: expected a list, got an object');
  // Fields Panther reads must have the type every facter era writes: read as "absent" they changed
  // the answer silently (a numeric virtualisation made a VM bare metal).
  const virt = throwsPanther(() => parseFacterReport({ virtualisation: 5, hardware: {} }, 'facter.json'), 'facter-bad-field');
  assert.equal(virt.message, 'facter.json: virtualisation: expected a string, got 5');
  const names = throwsPanther(() => parseFacterReport(report([{ ...block('sda', null), unix_device_names: '/dev/sda' }]), 'facter.json'), 'facter-bad-field');
  assert.equal(names.message, 'facter.json: hardware.disk[0].unix_device_names: expected a list, got "/dev/sda"');
  const uefi = throwsPanther(() => parseFacterReport({ uefi: { supported: 'yes' }, hardware: {} }, 'facter.json'), 'facter-bad-field');
  assert.equal(uefi.message, 'facter.json: uefi.supported: expected true or false, got "yes"');
  const badSize = throwsPanther(() => parseFacterReport(report([{ ...block('sda', null), resources: [{ type: 'size', value_1: '0x10', value_2: 512 }] }]), 'facter.json'), 'facter-bad-size');
  assert.equal(badSize.subject, 'facter.json: hardware.disk[0] (/dev/sda)');
});

test('readFacterReport: not JSON names the file and the position; missing file', async () => {
  const path = `${SYNTH}not-json.txt`;
  const err = await rejectsPanther(readFacterReport(path), 'facter-not-json');
  assert.equal(err.message, `${path}: not JSON at line 7, column 1 (position 104): Unexpected end of JSON input`);
  assert.deepEqual(err.details, { position: 104, line: 7, column: 1 });
  await rejectsPanther(readFacterReport(`${SYNTH}does-not-exist.json`), 'facter-unreadable');
});

test('jsonErrorPosition agrees with V8 where V8 gives a position, and finds one where it does not', () => {
  for (const text of ['{"a": 1,', '[1,2', '{"a":1}}', '{"a":01}', '{"a":"\\x"}', '{"a":"\u0001"}']) {
    let v8: number | null = null;
    try { JSON.parse(text); } catch (e) { v8 = Number(/position (\d+)/.exec((e as Error).message)?.[1]); }
    assert.equal(jsonErrorPosition(text)?.position, v8, text);
  }
  assert.deepEqual(jsonErrorPosition('Error: must run as root\n'), { position: 0, line: 1, column: 1 });
  assert.deepEqual(jsonErrorPosition('{"a": 1,\n "b": x}'), { position: 15, line: 2, column: 7 });
  assert.equal(jsonErrorPosition(readFileSync(realPath('vps-virtio-blk.json'), 'utf8')), null);
});
