// Yoga (one NVMe) on virtual hardware: the report of the VM's own disk gives the light-laptop plan,
// provision lays it onto /dev/nvme0n1 with a real vfat ESP, doctor is clean; a second boot mounts
// from the fstab panther rendered from the plan recorded on the disk, and doctor is clean again. README "VM tests" says how to run it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertRemounted, errorsOf, provisionBoot, remountBoot, timings, type ProvisionOutput } from './host-boots.ts';
import { vmSkipReason } from './requirements.ts';
import { VmSession } from './vm.ts';

const TIMEOUT = 600_000;

const skip = vmSkipReason();

describe('yoga in a VM (QEMU, one NVMe)', { timeout: TIMEOUT }, () => {
  let vm: VmSession | undefined;
  let first: ProvisionOutput;
  before(async () => { if (skip === false) vm = await VmSession.create('yoga'); });
  after(async () => { await vm?.dispose(); });

  test('boot 1: provision onto /dev/nvme0n1, ESP vfat at /boot, doctor has no errors', { skip, timeout: TIMEOUT }, async (t) => {
    assert.ok(vm);
    first = await provisionBoot(vm);
    t.diagnostic(`boot 1: ${first.boot.seconds.toFixed(1)} s; guest uptime at each step: ${timings(first.boot.log)}`);
    assert.deepEqual(first.devices, { primary: '/dev/nvme0n1' });
    const boot = first.mounts.find((m) => m.target === '/mnt/target/boot');
    assert.ok(boot, `the ESP is mounted: ${first.mounts.map((m) => m.target).join(' ')}`);
    assert.equal(boot.fstype, 'vfat');
    assert.equal(boot.source, '/dev/nvme0n1p1');
    const root = first.mounts.find((m) => m.target === '/mnt/target');
    assert.ok(root);
    assert.equal(root.fstype, 'btrfs');
    assert.match(root.source, /^\/dev\/nvme0n1p2\[\/@\]$/);
    assert.deepEqual(errorsOf(first.doctor.findings), [], first.boot.log);
    assert.equal(first.doctorExit, 0);
    assert.match(first.fstab, /^LABEL=ESP \/boot vfat umask=0077 0 2$/m);
    assert.doesNotMatch(first.fstab, /\/dev\/nvme/, 'the fstab names filesystems by label');
  });

  test('boot 2: the rendered fstab mounts every filesystem again, no-CoW where planned, doctor has no errors', { skip, timeout: TIMEOUT }, async (t) => {
    assert.ok(vm);
    assert.ok(first, 'boot 1 ran');
    const second = await remountBoot(vm, first);
    t.diagnostic(`boot 2: ${second.boot.seconds.toFixed(1)} s; guest uptime at each step: ${timings(second.boot.log)}`);
    const checked = assertRemounted(first, second);
    assert.deepEqual(checked.nocow, ['/var/lib/containers'], 'the light-laptop plan\'s no-CoW subvolume was checked');
    assert.equal(second.mounts.find((m) => m.target === '/mnt/target/boot')?.fstype, 'vfat');
  });
});
