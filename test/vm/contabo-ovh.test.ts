// Contabo and OVH (one disk on virtio-blk, /dev/vda; the backup disk is a second virtio-blk) on
// virtual hardware: boot 1 provisions the VPS plan from the report of the VM's own disk, doctor is
// clean; boot 2 mounts from the rendered fstab, the no-CoW subvolumes are mountpoints with C, the
// swapfile is active, doctor is clean. One host after the other, one VM at a time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertRemounted, errorsOf, provisionBoot, remountBoot, timings, type ProvisionOutput } from './host-boots.ts';
import { vmSkipReason } from './requirements.ts';
import { VmSession } from './vm.ts';

const TIMEOUT = 600_000;
const skip = vmSkipReason();

for (const host of ['contabo', 'ovh']) {
  describe(`${host} in a VM (QEMU, virtio-blk)`, { timeout: TIMEOUT }, () => {
    let vm: VmSession | undefined;
    let first: ProvisionOutput;
    before(async () => { if (skip === false) vm = await VmSession.create(host); });
    after(async () => { await vm?.dispose(); });

    test('boot 1: provision onto the virtio-blk disk found by serial, doctor has no errors', { skip, timeout: TIMEOUT }, async (t) => {
      assert.ok(vm);
      first = await provisionBoot(vm);
      t.diagnostic(`boot 1: ${first.boot.seconds.toFixed(1)} s; guest uptime at each step: ${timings(first.boot.log)}`);
      // The pool disk is attached first, so the guest enumerates it first; the backup disk is vdb.
      assert.deepEqual(first.devices, { primary: '/dev/vda' });
      const root = first.mounts.find((m) => m.target === '/mnt/target');
      assert.equal(root?.fstype, 'btrfs');
      assert.match(root.source, /^\/dev\/vda\d\[\/@\]$/);
      assert.deepEqual(errorsOf(first.doctor.findings), [], first.boot.log);
      assert.equal(first.doctorExit, 0);
      assert.doesNotMatch(first.fstab, /\/dev\/vd/, 'the fstab names filesystems by label');
    });

    test('boot 2: fstab mounts, no-CoW subvolumes with C, swapfile active, doctor has no errors', { skip, timeout: TIMEOUT }, async (t) => {
      assert.ok(vm);
      assert.ok(first, 'boot 1 ran');
      const second = await remountBoot(vm, first);
      t.diagnostic(`boot 2: ${second.boot.seconds.toFixed(1)} s; guest uptime at each step: ${timings(second.boot.log)}`);
      const checked = assertRemounted(first, second);
      assert.deepEqual(checked.nocow, ['/tmp', '/var/lib/containers', '/swap']);
      assert.deepEqual(checked.swapfiles, ['/mnt/target/swap/swapfile']);
    });
  });
}
