// Zephyrus (two NVMe) on virtual hardware: the report of the VM's own disks gives the dev-laptop plan,
// provision lays the primary pool (with the ESP) and the secondary pool onto the NVMe found by serial,
// doctor is clean; a second boot mounts both pools from the rendered fstab, and doctor is clean again.
// A third boot has faults: the secondary NVMe is absent, and the backup disk (a btrfs boot 2 wrote a
// file onto) fails reads and writes of that file's first block through QEMU's blkdebug. The boot must
// end, and doctor must name the missing pool and the device errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findInImage } from './image-scan.ts';
import { assertRemounted, collect, errorsOf, JOB, provisionBoot, remountBoot, timings, type ProvisionOutput } from './host-boots.ts';
import { vmSkipReason } from './requirements.ts';
import { VmSession } from './vm.ts';

const TIMEOUT = 600_000;
const skip = vmSkipReason();
const part = (device: string, n: number): string => `${device}p${n}`;
const MARKER = `PANTHER-VM-FAULT-${randomBytes(12).toString('hex')}`;


/** blkdebug rules: every read and write of the 512-byte sector at `sector` fails with EIO. */
const failing = (sector: number): string => ['read_aio', 'write_aio']
  .map((event) => `[inject-error]\nevent = "${event}"\nerrno = "5"\nsector = "${sector}"\nonce = "off"\n`).join('\n');

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
    // Boot 3's failing disk is prepared here: a btrfs on the backup disk, a file whose first block starts with the marker.
    const backupSerial = vm.disks.find((d) => d.role === 'backup')!.serial;
    const second = await remountBoot(vm, first, { job: `${JOB('lib')}BACKUP_SERIAL=${backupSerial}\nMARKER=${MARKER}\n${JOB('faulty-prepare')}` });
    t.diagnostic(`boot 2: ${second.boot.seconds.toFixed(1)} s; guest uptime at each step: ${timings(second.boot.log)}`);
    const checked = assertRemounted(first, second);
    assert.deepEqual(checked.nocow, ['/var/lib/containers', '/tmp'], 'the secondary pool\'s no-CoW subvolumes were checked');
  });

  test('boot 3: secondary NVMe absent, backup disk failing reads: the boot ends, doctor names the missing pool and the device errors', { skip, timeout: TIMEOUT }, async (t) => {
    assert.ok(vm);
    assert.ok(first, 'boot 1 ran');
    const backup = vm.disks.find((d) => d.role === 'backup')!;
    // A fresh btrfs puts its first data chunk well within its first GiB.
    const offset = await findInImage(backup.image, Buffer.from(MARKER), 1024 ** 3);
    assert.ok(offset !== null && offset % 4096 === 0, `the file's first block is in the image, block-aligned (offset ${offset})`);
    const boot = await vm.run({
      job: `${JOB('lib')}BACKUP_SERIAL=${backup.serial}\n${JOB('degraded')}`,
      files: { fstab: first.fstab },
      absent: ['secondary'],
      blkdebug: { backup: failing(offset / 512) },
    });
    const third = collect(boot);
    t.diagnostic(`boot 3: ${boot.seconds.toFixed(1)} s; guest uptime at each step: ${timings(boot.log)}`);
    const out = (name: string): string => readFileSync(join(boot.outDir, name), 'utf8');
    assert.notEqual(out('mount.rc').trim(), '0', 'mount --all says a filesystem is missing');
    assert.match(out('mount-errors.txt'), /zephyrus-secondary/, 'mount names the missing label');
    assert.notEqual(out('read.rc').trim(), '0', `reading the file on the failing disk fails: ${out('read-errors.txt')}`);
    assert.match(out('read-errors.txt'), /Input\/output error/);

    const missing = third.doctor.findings.filter((f) => f.id === 'pool-missing');
    assert.deepEqual(missing.map((f) => [f.severity, f.subject]), [['error', 'pool secondary']], JSON.stringify(third.doctor.findings));
    assert.match((missing[0] as { expected?: string }).expected ?? '', /zephyrus-secondary/);
    const devErrors = third.doctor.findings.filter((f) => f.id === 'device-errors');
    assert.equal(devErrors.length, 1, `one device-errors finding: ${JSON.stringify(third.doctor.findings)}\n${out('device-stats.txt')}`);
    assert.equal(devErrors[0]!.severity, 'error');
    assert.match(devErrors[0]!.subject, /^filesystem vm-faulty device \/dev\/vd[a-z]$/);
    assert.match(String(devErrors[0]!.found), /read_io_errs=[1-9]/);
    assert.notEqual(third.doctorExit, 0, 'doctor exits non-zero on errors');
    // The primary pool still mounted and is otherwise healthy: nothing else is an error.
    assert.deepEqual(errorsOf(third.doctor.findings).map((f) => f.id).filter((id) => id !== 'pool-missing' && id !== 'device-errors'), [],
      JSON.stringify(errorsOf(third.doctor.findings)));
  });
});
