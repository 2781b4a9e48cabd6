import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VM_HOSTS } from './hosts.ts';
import { qemuArgs, type AttachedDisk } from './qemu.ts';

const attach = (host: string, absent: string[] = []): AttachedDisk[] =>
  VM_HOSTS[host]!.disks.map((d) => ({ ...d, image: `/tmp/vm/${d.role}.img`, absent: absent.includes(d.role) }));
const boot = (disks: AttachedDisk[]) => ({ vmlinux: '/c/vmlinux', initramfs: '/c/initrd', consoleLog: '/tmp/vm/console.log', outDir: '/tmp/vm/out', disks });
const devices = (args: string[]): string[] => args.flatMap((a, i) => (args[i - 1] === '-device' ? [a] : []));

test('qemuArgs: TCG, one vCPU, qboot, PVH vmlinux, no defaults, console to a file, no reboot', () => {
  const args = qemuArgs(boot(attach('yoga')));
  const joined = args.join(' ');
  for (const want of ['-accel tcg', '-cpu max', '-smp 1', '-bios /usr/share/qemu/qboot.rom', '-nodefaults', '-no-reboot',
    '-serial file:/tmp/vm/console.log', '-kernel /c/vmlinux', '-initrd /c/initrd']) assert.ok(joined.includes(want), want);
  assert.match(args[args.indexOf('-append') + 1]!, /panic=-1 .*pvm\.disks=2$/);
});

test('qemuArgs: each spec host\'s disks on its own bus, with serials', () => {
  assert.deepEqual(devices(qemuArgs(boot(attach('zephyrus')))), [
    'nvme,serial=PNTR-ZEPH-NVME-P,drive=d0', 'nvme,serial=PNTR-ZEPH-NVME-S,drive=d1', 'virtio-blk-pci,drive=d2,serial=PNTR-ZEPH-BACKUP',
  ]);
  assert.deepEqual(devices(qemuArgs(boot(attach('hetzner')))), [
    'virtio-scsi-pci,id=scsi0', 'scsi-hd,drive=d0,bus=scsi0.0,serial=PNTR-HETZ-SCSI-P', 'virtio-blk-pci,drive=d1,serial=PNTR-HETZ-BACKUP',
  ]);
  assert.equal(devices(qemuArgs(boot(attach('contabo'))))[0], 'virtio-blk-pci,drive=d0,serial=PNTR-CONT-VBLK-P');
  assert.equal(devices(qemuArgs(boot(attach('ovh'))))[0], 'virtio-blk-pci,drive=d0,serial=PNTR-OVH-VBLK-P');
});

test('qemuArgs: an absent disk is not attached and the guest waits for one disk less', () => {
  const args = qemuArgs(boot(attach('zephyrus', ['secondary'])));
  assert.ok(!args.join(' ').includes('PNTR-ZEPH-NVME-S'));
  assert.match(args[args.indexOf('-append') + 1]!, /pvm\.disks=2$/);
});

test('qemuArgs: a disk with a blkdebug config goes through blkdebug, the others stay plain raw files', () => {
  const disks = attach('zephyrus').map((d) => (d.role === 'backup' ? { ...d, blkdebug: '/tmp/vm/faults.cfg' } : d));
  const drives = qemuArgs(boot(disks)).flatMap((a, i, all) => (all[i - 1] === '-drive' ? [a] : []));
  assert.equal(drives[0], 'file=/tmp/vm/primary.img,format=raw,if=none,id=d0,cache=unsafe,discard=unmap');
  assert.equal(drives[2], 'driver=raw,file.driver=blkdebug,file.config=/tmp/vm/faults.cfg,file.image.driver=file,' +
    'file.image.filename=/tmp/vm/backup.img,if=none,id=d2,cache=unsafe,discard=unmap');
  assert.throws(() => qemuArgs(boot(disks.map((d) => ({ ...d, blkdebug: d.blkdebug && '/tmp/a,b' })))), /blkdebug config/);
});

test('qemuArgs: a path QEMU would split, or a serial it would mangle, is refused', () => {
  assert.throws(() => qemuArgs({ ...boot(attach('yoga')), outDir: '/tmp/a,b' }), /out directory/);
  assert.throws(() => qemuArgs(boot(attach('yoga').map((d) => ({ ...d, serial: 'x,drive=y' })))), /serial/);
  assert.throws(() => qemuArgs(boot(attach('yoga').map((d) => ({ ...d, serial: 'S'.repeat(21) })))), /serial/);
});

test('every spec host has a VM with its pool disks first and a backup disk', () => {
  assert.deepEqual(Object.keys(VM_HOSTS), ['zephyrus', 'yoga', 'hetzner', 'contabo', 'ovh']);
  for (const host of Object.values(VM_HOSTS)) {
    assert.equal(host.disks.at(-1)!.role, 'backup');
    assert.equal(new Set(host.disks.map((d) => d.serial)).size, host.disks.length, `${host.name}: serials unique`);
  }
});
