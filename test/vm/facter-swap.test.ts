import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseFacterReport } from '../../src/facter/parse.ts';
import { swapDisks, vmInventory, vpdSerial } from './facter-swap.ts';
import { VM_HOSTS } from './hosts.ts';
import { detectProfile } from '../../src/facter/detect.ts';
import { loadBuiltinProfiles } from '../../src/plan/builtin-profiles.ts';

const spec = (host: string): unknown => JSON.parse(readFileSync(new URL(`../../examples/facter/${host}.json`, import.meta.url), 'utf8'));
const GiB = 1024 ** 3;

test('swapDisks: yoga\'s report keeps its machine and gets the VM\'s NVMe (name, size, serial)', () => {
  const report = parseFacterReport(swapDisks(spec('yoga'), [{ name: 'nvme0n1', sizeBytes: 8 * GiB, serial: 'PNTR-YOGA-NVME-P', model: 'QEMU NVMe Ctrl' }]), 'vm');
  const original = parseFacterReport(spec('yoga'), 'spec');
  assert.deepEqual(report.machine, original.machine);
  assert.equal(report.disks.length, 1);
  assert.equal(report.disks[0]!.device, '/dev/nvme0n1');
  assert.equal(report.disks[0]!.sizeBytes, 8 * GiB);
  assert.equal(report.disks[0]!.transport, 'nvme');
  assert.equal(report.disks[0]!.model, 'QEMU NVMe Ctrl');
  assert.equal(report.disks[0]!.stableDevice, '/dev/nvme0n1', 'no by-id names without udev');
});

test('swapDisks: zephyrus\'s largest disk takes the first VM disk, the second the next', () => {
  const report = parseFacterReport(swapDisks(spec('zephyrus'), [
    { name: 'nvme1n1', sizeBytes: 8 * GiB, serial: 'P', model: 'primary' },
    { name: 'nvme0n1', sizeBytes: 6 * GiB, serial: 'S', model: 'secondary' },
  ]), 'vm');
  assert.deepEqual(report.disks.map((d) => [d.device, d.model, d.sizeBytes]), [['/dev/nvme0n1', 'secondary', 6 * GiB], ['/dev/nvme1n1', 'primary', 8 * GiB]]);
});

test('swapDisks: more VM disks than the report has is an error, not a guess', () => {
  assert.throws(() => swapDisks(spec('yoga'), [
    { name: 'nvme0n1', sizeBytes: GiB * 8, serial: 'a', model: 'm' }, { name: 'nvme1n1', sizeBytes: GiB * 8, serial: 'b', model: 'm' },
  ]), /has 1 disk\(s\); the VM has 2/);
  assert.throws(() => swapDisks({ hardware: {} }, []), /not a nixos-facter report/);
});

test('vpdSerial reads page 0x80 and ignores anything else', () => {
  assert.equal(vpdSerial(Buffer.from([0, 0x80, 0, 5, ...Buffer.from('AB12 ')])), 'AB12');
  assert.equal(vpdSerial(Buffer.from([0, 0x83, 0, 1, 65])), '');
  assert.equal(vpdSerial(Buffer.alloc(2)), '');
});

test('vmInventory: the host\'s expected disks name the guest devices found for their pools, without the spec\'s sizes', () => {
  const inventory = JSON.parse(readFileSync(new URL('../../examples/inventory.json', import.meta.url), 'utf8')) as unknown;
  const zephyrus = vmInventory(inventory, 'zephyrus', [{ role: 'primary', name: 'nvme1n1' }, { role: 'secondary', name: 'nvme0n1' }]) as any;
  assert.deepEqual(Object.keys(zephyrus.hosts), ['zephyrus']);
  assert.equal(zephyrus.hosts.zephyrus.profile, 'dev-laptop');
  assert.deepEqual(zephyrus.hosts.zephyrus.disks, [
    { pool: 'primary', device: '/dev/nvme1n1', transport: 'nvme' }, { pool: 'secondary', device: '/dev/nvme0n1', transport: 'nvme' },
  ]);
  const yoga = vmInventory(inventory, 'yoga', [{ role: 'primary', name: 'nvme0n1' }]) as any;
  assert.deepEqual(yoga.hosts.yoga.disks, [{ device: '/dev/nvme0n1', transport: 'nvme' }]);
  assert.throws(() => vmInventory(inventory, 'zephyrus', [{ role: 'primary', name: 'nvme0n1' }]), /pool secondary\) has no VM disk/);
  assert.throws(() => vmInventory(inventory, 'nope', []), /no host nope/);
});

test('every VM host\'s disks are sized so the report of the VM\'s own disks detects the profile the inventory pins', () => {
  const inventory = JSON.parse(readFileSync(new URL('../../examples/inventory.json', import.meta.url), 'utf8')) as { hosts: Record<string, { profile: string }> };
  for (const host of Object.values(VM_HOSTS)) {
    // The guest names NVMe by enumeration and virtio disks by bus; sizes and order are what detection sees.
    const pools = host.disks.filter((d) => d.role !== 'backup');
    const prefix = { nvme: 'nvme', 'virtio-scsi': 'sd', 'virtio-blk': 'vd' } as const;
    const guest = pools.map((d, i) => ({
      name: d.bus === 'nvme' ? `nvme${i}n1` : `${prefix[d.bus]}${String.fromCharCode(97 + i)}`, sizeBytes: d.sizeBytes, serial: d.serial, model: 'QEMU',
    }));
    const detection = detectProfile(parseFacterReport(swapDisks(spec(host.name), guest), 'vm'), loadBuiltinProfiles());
    assert.equal(detection.profile, inventory.hosts[host.name]!.profile, `${host.name}: ${detection.reason ?? ''}`);
  }
});
