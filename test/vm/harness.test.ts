// The harness itself on a real VM: a job's exit code comes back, a VM that does not finish in time is
// killed by its PID with a clear error and its console log kept. Cheap boots (no panther command).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { vmSkipReason } from './requirements.ts';
import { VM_HOSTS } from './hosts.ts';
import { VmError, VmSession } from './vm.ts';

const skip = vmSkipReason();

describe('the VM harness', { timeout: 300_000 }, () => {
  let vm: VmSession | undefined;
  before(async () => { if (skip === false) vm = await VmSession.create('hetzner'); });
  after(async () => { await vm?.dispose(); });

  test('a job\'s exit code and files come back; the guest sees each disk on its bus, with its serial', { skip }, async () => {
    assert.ok(vm);
    const r = await vm.boot({ job: 'for d in /sys/block/sd* /sys/block/vd*; do echo "${d##*/} $(cat "$d/size") $(cat "$d/serial" 2>/dev/null || true)" ; done > disks.txt\ncat "$REPO/package.json" > /dev/null\nexit 7\n' });
    assert.equal(r.code, 7);
    const disks = readFileSync(join(r.outDir, 'disks.txt'), 'utf8');
    // virtio-scsi is sdX, virtio-blk vdX, sizes in 512-byte sectors as hosts.ts gives them.
    const [primary, backup] = VM_HOSTS['hetzner']!.disks;
    assert.match(disks, new RegExp(`^sda ${primary!.sizeBytes / 512} $`, 'm'));
    assert.match(disks, new RegExp(`^vda ${backup!.sizeBytes / 512} ${backup!.serial}$`, 'm'));
  });

  test('a VM that does not power off in time is killed, with the console log kept and shown', { skip }, async () => {
    assert.ok(vm);
    const error = await vm.boot({ job: 'sleep 600\n', timeoutMs: 15_000 }).then(() => null, (e: unknown) => e);
    assert.ok(error instanceof VmError, String(error));
    assert.match(error.message, /did not power off within 15 s/);
    assert.match(error.message, /--- console \(last 40 lines\) ---\n[\s\S]*pvm: /);
    const kept = /console log kept in (\S+)/.exec(error.message)?.[1];
    assert.ok(kept !== undefined && existsSync(join(kept, 'console.log')), error.message);
    await rm(kept, { recursive: true }); // an expected failure: its logs are not kept
  });
});
