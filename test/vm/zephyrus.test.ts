// Zephyrus (two NVMe) on virtual hardware: the report of the VM's own disks gives the dev-laptop plan,
// provision lays the primary pool (with the ESP) and the secondary pool onto the NVMe found by serial,
// doctor is clean; a second boot mounts both pools from the rendered fstab, and doctor is clean again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertRemounted, errorsOf, provisionBoot, remountBoot, timings, type ProvisionOutput } from './host-boots.ts';
import { vmSkipReason } from './requirements.ts';
import { VmSession } from './vm.ts';

const TIMEOUT = 600_000;
const skip = vmSkipReason();
const part = (device: string, n: number): string => `${device}p${n}`;

describe('zephyrus in a VM (QEMU, two NVMe)', { timeout: TIMEOUT }, () => {
  let vm: VmSession | undefined;
  let first: ProvisionOutput;
  before(async () => { if (skip === false) vm = await VmSession.create('zephyrus'); });
  after(async () => { await vm?.dispose(); });

  test('boot 1: both pools on their NVMe, the ESP vfat on the primary, doctor has no errors', { skip, timeout: TIMEOUT }, async (t) => {
    assert.ok(vm);
    first = await provisionBoot(vm);
    t.diagnostic(`boot 1: ${first.boot.seconds.toFixed(1)} s; guest uptime at each step: ${timings(first.boot.log)}`);
    const { primary, secondary } = first.devices;
    assert.ok(primary !== undefined && secondary !== undefined && primary !== secondary, JSON.stringify(first.devices));
    assert.match(`${primary} ${secondary}`, /^\/dev\/nvme\dn1 \/dev\/nvme\dn1$/);
    const at = (target: string) => first.mounts.find((m) => m.target === `/mnt/target${target}`);
    assert.equal(at('/boot')?.fstype, 'vfat');
    assert.equal(at('/boot')?.source, part(primary, 1));
    assert.equal(at('')?.source, `${part(primary, 2)}[/@]`);
    // The secondary pool has no boot partition: its btrfs is partition 1.
    assert.equal(at('/var/lib/containers')?.source, `${part(secondary, 1)}[/@containers]`);
    assert.deepEqual(errorsOf(first.doctor.findings), [], first.boot.log);
    assert.equal(first.doctorExit, 0);
    assert.match(first.fstab, /^LABEL=zephyrus-secondary \/var\/cache btrfs /m);
  });

  test('boot 2: both pools mount again from the rendered fstab and doctor has no errors', { skip, timeout: TIMEOUT }, async (t) => {
    assert.ok(vm);
    assert.ok(first, 'boot 1 ran');
    const second = await remountBoot(vm, first);
    t.diagnostic(`boot 2: ${second.boot.seconds.toFixed(1)} s; guest uptime at each step: ${timings(second.boot.log)}`);
    const checked = assertRemounted(first, second);
    assert.deepEqual(checked.nocow, ['/var/lib/containers', '/tmp'], 'the secondary pool\'s no-CoW subvolumes were checked');
  });
});
