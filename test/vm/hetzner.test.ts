// Hetzner (one disk on virtio-scsi, /dev/sda) on virtual hardware: boot 1 provisions the server plan
// from the report of the VM's own disk, doctor is clean; boot 2 mounts from the rendered fstab, the
// database subvolumes are no-CoW mountpoints, the swapfile is active, doctor is clean; then, in the
// same boot, snapshot run, a repository on the separate backup disk, backup run of @home, and the
// restored point holds the same bytes as the file backed up.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertRemounted, errorsOf, JOB, provisionBoot, remountBoot, timings, type ProvisionOutput } from './host-boots.ts';
import { vmSkipReason } from './requirements.ts';
import { VmSession } from './vm.ts';

const TIMEOUT = 600_000;
const skip = vmSkipReason();

describe('hetzner in a VM (QEMU, virtio-scsi)', { timeout: TIMEOUT }, () => {
  let vm: VmSession | undefined;
  let first: ProvisionOutput;
  before(async () => { if (skip === false) vm = await VmSession.create('hetzner'); });
  after(async () => { await vm?.dispose(); });

  test('boot 1: provision onto /dev/sda, doctor has no errors', { skip, timeout: TIMEOUT }, async (t) => {
    assert.ok(vm);
    first = await provisionBoot(vm);
    t.diagnostic(`boot 1: ${first.boot.seconds.toFixed(1)} s; guest uptime at each step: ${timings(first.boot.log)}`);
    assert.deepEqual(first.devices, { primary: '/dev/sda' });
    const root = first.mounts.find((m) => m.target === '/mnt/target');
    assert.equal(root?.fstype, 'btrfs');
    assert.match(root.source, /^\/dev\/sda\d\[\/@\]$/);
    assert.deepEqual(errorsOf(first.doctor.findings), [], first.boot.log);
    assert.equal(first.doctorExit, 0);
    assert.doesNotMatch(first.fstab, /\/dev\/sd/, 'the fstab names filesystems by label');
  });

  test('boot 2: fstab mounts, databases no-CoW, swap on, doctor clean; snapshot, backup to the backup disk, restore', { skip, timeout: TIMEOUT }, async (t) => {
    assert.ok(vm);
    assert.ok(first, 'boot 1 ran');
    const backupSerial = vm.disks.find((d) => d.role === 'backup')!.serial;
    const second = await remountBoot(vm, first, { job: `${JOB('lib')}BACKUP_SERIAL=${backupSerial}\n${JOB('backup')}` });
    t.diagnostic(`boot 2: ${second.boot.seconds.toFixed(1)} s; guest uptime at each step: ${timings(second.boot.log)} ` +
      `${second.boot.log.split('\n').filter((l) => /^(snapshot|backup|restore) \d/.test(l)).join(', ')}`);
    const checked = assertRemounted(first, second);
    for (const db of ['/var/lib/postgresql', '/var/lib/redis']) assert.ok(checked.nocow.includes(db), `${db} checked: ${checked.nocow.join(' ')}`);
    assert.deepEqual(checked.swapfiles, ['/mnt/target/swap/swapfile']);

    const out = (name: string): string => readFileSync(join(second.boot.outDir, name), 'utf8');
    const snapshots = JSON.parse(out('snapshot-run.json')) as {
      created: Array<{ subvolume: string; name: string }>; failed: Array<{ subvolume: string; error: string; failedHooks: string[] }>;
    };
    // No database runs in the VM: the fail-closed database hooks refuse their subvolumes, and nothing else may fail.
    for (const f of snapshots.failed) {
      assert.ok(f.failedHooks.length > 0 && /postgres|redis/i.test(f.failedHooks.join(' ')), `only a database hook may fail a snapshot: ${JSON.stringify(f)}`);
    }
    if (snapshots.failed.length === 0) assert.equal(out('snapshot-run.rc').trim(), '0', 'a clean snapshot run exits 0');
    const home = snapshots.created.find((c) => c.subvolume === '@home');
    assert.ok(home, `snapshot run took @home: ${out('snapshot-run.json')}`);
    const run = JSON.parse(out('backup-run.json')) as { items: Array<{ subvolume: string; snapshot: string; choice: { kind: string }; point?: string; error?: string }> };
    assert.equal(run.items.length, 1, out('backup-run.json'));
    const item = run.items[0]!;
    assert.equal(item.error, undefined);
    assert.equal(item.snapshot, home.name, 'the backup sent the snapshot just taken');
    assert.equal(item.choice.kind, 'full');
    assert.ok(item.point, 'a backup point was written');
    const restored = JSON.parse(out('restore.json')) as { point: string; snapshot: string; path: string };
    assert.equal(restored.point, item.point);
    assert.equal(restored.path, `/mnt/backup/restored/${home.name}`);
    const [proof, back] = [readFileSync(join(second.boot.outDir, 'proof.bin')), readFileSync(join(second.boot.outDir, 'restored-proof.bin'))];
    assert.equal(proof.length, 200_000);
    assert.ok(proof.equals(back), 'the restored file has the bytes backed up');
  });
});
