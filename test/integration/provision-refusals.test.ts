// provision refuses what it must not do, before touching any device: a root holding live mounts
// that are not the plan's (it would mount over them), a plan with lint errors, a name that would
// resolve outside the pool. unmount takes down only the plan's mounts. Nothing of the host is
// mounted over or unmounted here: every foreign mount is a tmpfs or bind mount the test makes below
// its own temp directory and removes again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createLoopDevices, type LoopDevices } from '../support/loop-btrfs.ts';
import { BTRFS_TOOLS, PARTITION_TOOLS, skipReason } from '../support/requirements.ts';
import { runCli } from '../support/cli.ts';
import { specPlan } from '../support/plans.ts';
import { currentMounts } from '../support/cleanup.ts';
import { findMounts, mount, probeDevice, umount } from '../../src/btrfs/index.ts';
import { applyActions } from '../../src/provision/apply.ts';
import { planActions } from '../../src/provision/actions.ts';
import { checkRoot, targetPlan } from '../../src/provision/index.ts';
import type { StoragePlan } from '../../src/plan/types.ts';
import { renderJson } from '../../src/render/json.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS, 'blockdev'] });

async function withLoop(fn: (loops: LoopDevices, root: string) => Promise<void>): Promise<void> {
  const loops = await createLoopDevices([1024]);
  try {
    const root = join(loops.dir, 'root');
    await mkdir(root);
    await fn(loops, root);
  } finally {
    await loops.dispose();
  }
}

async function planFile(dir: string, plan: StoragePlan): Promise<string> {
  const path = join(dir, 'plan.json');
  await writeFile(path, renderJson(plan));
  return path;
}

const mountedAt = (target: string): boolean => currentMounts().some((m) => m.target === target);

/**
 * Mounts that are not the plan's: a tmpfs at `tmpfs` and a bind mount at `bound` (of a directory in the
 * fixture), made by the test and always taken down again, whatever `fn` does.
 */
async function withForeignMounts(scratchDir: string, tmpfs: string, bound: string, fn: () => Promise<void>): Promise<void> {
  const source = join(scratchDir, 'bind-source');
  await mkdir(tmpfs);
  await mkdir(bound);
  await mkdir(source);
  await mount('tmpfs', tmpfs, ['size=1m'], { fstype: 'tmpfs' });
  try {
    await mount(source, bound, ['bind']);
    try {
      await fn();
    } finally {
      await umount(bound);
    }
  } finally {
    await umount(tmpfs);
  }
}

test('provision refuses a root holding a foreign tmpfs and bind mount, saying what is mounted there and how to proceed', { skip }, async () => {
  await withLoop(async (loops, root) => {
    const device = loops.devices[0]!;
    const plan = await planFile(loops.dir, specPlan('yoga'));
    const tmpfs = join(root, 'scratch');
    const bound = join(root, 'bound');
    await withForeignMounts(loops.dir, tmpfs, bound, async () => {
      const refused = await runCli('provision', '--plan', plan, '--device', `primary=${device}`, '--root', root, '--fit-to-device');
      assert.equal(refused.code, 3, refused.stderr);
      assert.ok(refused.stderr.includes(`--root ${root} holds live mounts that are not made from the plan's devices`), refused.stderr);
      assert.ok(refused.stderr.includes(`${tmpfs} (tmpfs from tmpfs)`), refused.stderr);
      assert.match(refused.stderr, new RegExp(`${bound} \\(\\w+ from `));
      assert.match(refused.stderr, /--allow-live-root/);
      assert.equal((await probeDevice(device)).hasPartitionTable, null, 'the refusal touched the device');
      assert.ok(mountedAt(tmpfs) && mountedAt(bound));

      const dry = await runCli('provision', '--plan', plan, '--device', `primary=${device}`, '--root', root, '--fit-to-device', '--dry-run', '--json');
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.json().refusal, /holds live mounts/);
      const allowed = await runCli('provision', '--plan', plan, '--device', `primary=${device}`, '--root', root, '--fit-to-device', '--dry-run', '--allow-live-root', '--json');
      assert.equal(allowed.json().refusal, null);
    });
  });
});

test('provision refuses "/" as the root (checked without provisioning anything)', { skip }, async () => {
  await withLoop(async (loops) => {
    const plan = await targetPlan(specPlan('yoga'), { primary: loops.devices[0]! }, { fitToDevice: true });
    await assert.rejects(checkRoot('/', plan, false), (error: Error & { exitCode: number; hint: string }) => {
      assert.equal(error.exitCode, 3);
      // It lists what is mounted there: `/` itself on a machine, the mounts below `/` in a chroot.
      assert.match(error.message, /--root \/ is the running system's root: .*\(\w+ from /);
      assert.match(error.hint, /--allow-live-root/);
      return true;
    });
    await assert.rejects(checkRoot(join(loops.dir, 'root', '..', '..', '..'), plan, false), /running system's root/);
  });
});

test('unmount takes down only the plan\'s mounts: a foreign tmpfs and bind mount stay, and so do the plan mounts holding them', { skip }, async () => {
  await withLoop(async (loops, root) => {
    const device = loops.devices[0]!;
    const plan = specPlan('yoga');
    const done = await runCli('provision', '--plan', await planFile(loops.dir, plan), '--device', `primary=${device}`, '--root', root, '--fit-to-device');
    assert.equal(done.code, 0, done.stderr);
    const planned = (await findMounts(root)).map((m) => m.target);
    const tmpfs = join(root, 'home', 'scratch');
    const bound = join(root, 'srv-bound');
    await withForeignMounts(loops.dir, tmpfs, bound, async () => {
      const un = await runCli('unmount', '--root', root, '--json');
      assert.equal(un.code, 1, 'plan mounts were left behind');
      assert.ok(mountedAt(tmpfs), 'unmount took the foreign tmpfs');
      assert.ok(mountedAt(bound), 'unmount took the foreign bind mount');
      assert.deepEqual(un.json().kept.map((k: { target: string }) => k.target).sort(), [root, join(root, 'home')]);
      assert.deepEqual([...un.json().unmounted].sort(), planned.filter((t) => t !== root && t !== join(root, 'home')).sort());
    });
    const rest = await runCli('unmount', '--root', root, '--json');
    assert.equal(rest.code, 0, rest.stderr);
    assert.deepEqual([...rest.json().unmounted].sort(), [root, join(root, 'home')].sort());
    assert.deepEqual(await findMounts(root), []);
  });
});

test('provision refuses a plan with lint errors, listing them, before touching the device (even with --yes)', { skip }, async () => {
  await withLoop(async (loops, root) => {
    const device = loops.devices[0]!;
    const plan = structuredClone(specPlan('hetzner'));
    // Climbs from the pool's top-level mount into this test's directory.
    const escape = `@x/../../../${basename(loops.dir)}/evil`;
    plan.pools[0]!.subvolumes.find((s) => s.name === '@ai-tools')!.name = escape;
    const file = await planFile(loops.dir, plan);
    for (const extra of [['--yes'], ['--dry-run']]) {
      const refused = await runCli('provision', '--plan', file, '--device', `primary=${device}`, '--root', root, '--fit-to-device', ...extra);
      assert.equal(refused.code, 3, refused.stderr);
      assert.match(refused.stderr, /the plan for hetzner has \d+ lint error\(s\); nothing was touched/);
      assert.ok(refused.stderr.includes(`invalid-name [primary/${escape}]`), refused.stderr);
    }
    assert.equal((await probeDevice(device)).hasPartitionTable, null);
    assert.ok(!existsSync(join(loops.dir, 'evil')));
  });
});

test('apply (past lint) refuses a subvolume or mount point that resolves outside the pool or root, before touching the device', { skip }, async () => {
  await withLoop(async (loops, root) => {
    const device = loops.devices[0]!;
    const base = await targetPlan(specPlan('hetzner'), { primary: device }, { fitToDevice: true });
    const cases: Array<[string, (p: StoragePlan) => void]> = [
      ['subvolume', (p) => { p.pools[0]!.subvolumes.find((s) => s.name === '@ai-tools')!.name = `@x/../../../${basename(loops.dir)}/evil`; }],
      ['absolute subvolume', (p) => { p.pools[0]!.subvolumes.find((s) => s.name === '@ai-tools')!.name = join(loops.dir, 'evil'); }],
      ['swapfile', (p) => { p.pools[0]!.subvolumes.find((s) => s.swapfile !== null)!.swapfile!.path = '../../evil'; }],
      ['mount point', (p) => { p.pools[0]!.subvolumes.find((s) => s.name === '@ai-tools')!.mountPoint = '/opt/../../../evil'; }],
    ];
    for (const [what, change] of cases) {
      const plan = structuredClone(base);
      change(plan);
      await assert.rejects(applyActions(plan, planActions(plan), { root, yes: true }), (error: Error & { code: string; exitCode: number }) => {
        assert.equal(error.code, 'unsafe-path', what);
        assert.equal(error.exitCode, 3, what);
        assert.match(error.message, /would resolve outside (the pool|the root)/, what);
        return true;
      });
    }
    assert.equal((await probeDevice(device)).hasPartitionTable, null, 'a refused plan touched the device');
    assert.ok(!existsSync(join(loops.dir, 'evil')));
    assert.deepEqual(await findMounts(root), []);
  });
});
