// Every profile provisioned onto loop devices doctors clean; each injected fault is found as itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, writeFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createLoopDevices } from '../support/loop-btrfs.ts';
import { provisionSpecHost, type Provisioned } from '../support/provisioned.ts';
import { PARTITION_TOOLS, BTRFS_TOOLS, skipReason } from '../support/requirements.ts';
import { specPlan } from '../support/plans.ts';
import { runCli } from '../support/cli.ts';
import { runDoctor, targetPlan } from '../../src/provision/index.ts';
import type { DoctorReport } from '../../src/provision/index.ts';
import { applyActions } from '../../src/provision/apply.ts';
import { planActions } from '../../src/provision/actions.ts';
import { changeAttrs, deleteSubvolume, devicesInUse, findMounts, mkfsBtrfs, mount, umount } from '../../src/btrfs/index.ts';
import type { StoragePlan } from '../../src/plan/types.ts';
import { renderJson } from '../../src/render/json.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS, 'blockdev'] });
const POOL_MIB = 1024;

async function withProvisioned(host: string, fn: (p: Provisioned) => Promise<void>, entry = {}): Promise<void> {
  const p = await provisionSpecHost(host, entry, POOL_MIB);
  try {
    await fn(p);
  } finally {
    await p.dispose();
  }
}

/** Findings other than "never scrubbed", which every new filesystem rightly has. */
function relevant(report: DoctorReport): Array<[string, string]> {
  return report.findings.filter((f) => f.id !== 'scrub-never').map((f) => [f.id, f.subject]);
}

for (const [host, entry] of [['zephyrus', { features: ['databases'] }], ['yoga', {}], ['hetzner', {}], ['contabo', {}], ['ovh', {}]] as const) {
  test(`${host}: provision onto loop devices, mount, doctor reports clean`, { skip }, async () => {
    await withProvisioned(host, async ({ plan, root }) => {
      const mounts = await findMounts(root);
      const planned = plan.pools.flatMap((p) => p.subvolumes).filter((s) => s.mountPoint !== null).length;
      assert.equal(mounts.filter((m) => m.fstype === 'btrfs').length, planned);
      const report = await runDoctor({ root, plan, fstab: null, now: new Date() });
      assert.deepEqual(relevant(report), []);
      assert.equal(report.counts.error, 0);
      assert.ok(report.findings.some((f) => f.id === 'scrub-never'), 'a fresh filesystem was never scrubbed');
    }, entry);
  });
}

test('fault: a missing subvolume is reported as exactly that', { skip }, async () => {
  await withProvisioned('hetzner', async ({ plan, root, loops }) => {
    await umount(join(root, 'opt/ai-tools'));
    const top = join(loops.dir, 'top');
    await mkdir(top);
    await mount(`${loops.devices[0]}p3`, top, ['subvolid=5']);
    await deleteSubvolume(join(top, '@ai-tools'));
    await umount(top);
    const report = await runDoctor({ root, plan, fstab: null, now: new Date() });
    assert.deepEqual(relevant(report), [['subvolume-missing', 'primary/@ai-tools']]);
  });
});

test('fault: no-CoW removed from an empty directory', { skip }, async () => {
  await withProvisioned('hetzner', async ({ plan, root }) => {
    await changeAttrs(join(root, 'var/lib/redis'), '-C');
    const report = await runDoctor({ root, plan, fstab: null, now: new Date() });
    assert.deepEqual(relevant(report), [['nocow-missing', 'primary/@redis']]);
  });
});

test('fault: a subvolume mounted somewhere else', { skip }, async () => {
  await withProvisioned('hetzner', async ({ plan, root, loops }) => {
    await umount(join(root, 'var/log'));
    await mkdir(join(root, 'srv/log'), { recursive: true });
    await mount(`${loops.devices[0]}p3`, join(root, 'srv/log'), ['subvol=@log']);
    const report = await runDoctor({ root, plan, fstab: null, now: new Date() });
    assert.deepEqual(relevant(report), [['mounted-elsewhere', 'primary/@log']]);
  });
});

test('fault: a second mount with nodatacow is ignored by the kernel, and doctor says so', { skip }, async () => {
  await withProvisioned('hetzner', async ({ plan, root, loops }) => {
    const second = join(root, 'srv/home-again');
    await mkdir(second, { recursive: true });
    await mount(`${loops.devices[0]}p3`, second, ['nodatacow', 'subvol=@home']);
    const fstab = join(loops.dir, 'fstab');
    await writeFile(fstab, `/dev/disk/by-label/hetzner-primary ${second} btrfs nodatacow,subvol=@home 0 0\n`);
    const report = await runDoctor({ root, plan, fstab, now: new Date() });
    assert.deepEqual(relevant(report).sort(), [['extra-mount', 'primary/@home'], ['option-ignored', '/srv/home-again']]);
    // The kernel really ignored it: a file written through the second mount is not no-CoW.
    await writeFile(join(second, 'probe'), 'x');
    assert.equal(report.state.mounts.find((m) => m.target === '/srv/home-again')?.options.includes('nodatacow'), false);
  });
});

test('fault: a full device', { skip }, async () => {
  await withProvisioned('ovh', async ({ plan, root }) => {
    // Random data in the no-CoW /tmp: neither compression nor CoW can make it smaller.
    const handle = await open(join(root, 'tmp/fill'), 'w');
    const chunk = randomBytes(4 * 1024 * 1024);
    try {
      for (;;) await handle.write(chunk);
    } catch (error) {
      assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
    } finally {
      await handle.close();
    }
    const report = await runDoctor({ root, plan, fstab: null, now: new Date() });
    const ids = relevant(report).map(([id]) => id);
    assert.ok(ids.includes('space-used'), JSON.stringify(ids));
    assert.ok(ids.every((id) => id === 'space-used' || id === 'unallocated-low'), JSON.stringify(ids));
  });
});

test('provision refuses a device with a filesystem without --yes; the dry run changes nothing', { skip }, async () => {
  const loops = await createLoopDevices([512]);
  try {
    const device = loops.devices[0]!;
    await mkfsBtrfs([device], { label: 'precious' });
    const planFile = join(loops.dir, 'plan.json');
    await writeFile(planFile, renderJson(specPlan('ovh')));
    const root = join(loops.dir, 'root');
    await mkdir(root);
    const digest = async (): Promise<string> => createHash('sha256').update(await readFile(device)).digest('hex');
    const before = await digest();
    const dry = await runCli('provision', '--plan', planFile, '--device', `primary=${device}`, '--root', root, '--fit-to-device', '--dry-run', '--json');
    assert.equal(dry.code, 0, dry.stderr);
    assert.ok(dry.json().steps.length > 20);
    assert.match(dry.json().refusal, /holds a btrfs filesystem labelled precious/);
    assert.equal(await digest(), before, 'the dry run wrote to the device');
    const refused = await runCli('provision', '--plan', planFile, '--device', `primary=${device}`, '--root', root, '--fit-to-device');
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(refused.stderr, /pass --yes/);
    assert.equal(await digest(), before, 'the refusal wrote to the device');
    const forced = await runCli('provision', '--plan', planFile, '--device', `primary=${device}`, '--root', root, '--fit-to-device', '--yes');
    assert.equal(forced.code, 0, forced.stderr);
    const un = await runCli('unmount', '--root', root, '--json');
    assert.equal(un.code, 0);
    assert.ok(un.json().unmounted.length >= 14);
    assert.deepEqual(await findMounts(root), []);
  } finally {
    await loops.dispose();
  }
});

test('a failure half way leaves nothing mounted and says what was done', { skip }, async () => {
  const loops = await createLoopDevices([512]);
  try {
    const plan = await targetPlan(specPlan('ovh'), { primary: loops.devices[0]! }, { fitToDevice: true });
    const swap = plan.pools[0]!.subvolumes.find((s) => s.swapfile !== null)!;
    swap.swapfile!.sizeBytes = 64 * 1024 ** 3;
    const root = join(loops.dir, 'root');
    await mkdir(root);
    await assert.rejects(applyActions(plan, planActions(plan), { root, yes: false }), (error: Error) => {
      assert.match(error.message, /provisioning stopped/);
      assert.match(error.message, /done before the failure: \d+ step\(s\): partition/);
      return true;
    });
    assert.deepEqual(await devicesInUse(loops.devices[0]!), []);
    assert.deepEqual(await findMounts(root), []);
    await rmdir(root);
  } finally {
    await loops.dispose();
  }
});
