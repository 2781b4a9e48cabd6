// Runs the rendered disko postCreateHook against a real btrfs on a loop device, the way disko runs it:
// after the subvolumes (and swapfiles) exist, with $device set and nothing mounted. The hook text is
// taken from the evaluated disko file, so Nix escaping and shell quoting are both exercised.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoragePlan, SubvolumePlan } from '../../src/plan/types.ts';
import { renderDisko } from '../../src/render/disko.ts';
import { findNixInstantiate, nixEvalJson } from '../../src/render/verify/nix-instantiate.ts';
import { fixtureLeftovers, withLoopBtrfs } from '../support/loop-btrfs.ts';
import { specPlan } from '../support/plans.ts';
import { BTRFS_TOOLS, skipReason } from '../support/requirements.ts';

function requirements(): string | false {
  const loop = skipReason({ tools: [...BTRFS_TOOLS, 'bash', 'mktemp'] });
  if (loop !== false) return loop;
  if (findNixInstantiate() !== null) return false;
  const reason = 'nix-instantiate not found (apt-get install -y nix-bin)';
  if (process.env['CI'] === 'true') throw new Error(`${reason} (CI=true: integration tests must run, not skip)`);
  process.stderr.write(`skipping: ${reason}\n`);
  return reason;
}
const skip = requirements();

const extra = (name: string, compression: SubvolumePlan['compression'], mountPoint: string | null): SubvolumePlan => ({
  name, mountPoint, workload: 'user', cow: true, compression, compressionLevel: null, mountOptions: ['noatime'],
  requestedMountOptions: [], snapshots: null, backup: 'never', critical: false, swapfile: null,
});

/**
 * Hetzner's pool (five no-CoW subvolumes, swap, zstd) plus the oddest names the render guard lets through
 * (disko pastes subvolume names unquoted, so `'`, `*`, `[` are refused there), a mount point that needs
 * quoting, and other algorithms.
 */
function hookPlan(): StoragePlan {
  const plan = specPlan('hetzner');
  plan.pools[0]!.subvolumes.push(extra('@it.s+x', 'none', "/srv/it's"), extra('@-glob_x', 'lzo', null));
  return plan;
}

const sh = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function runHook(hook: string, device: string, scratch: string): { status: number | null; stderr: string } {
  // TMPDIR keeps the hook's mktemp directory inside the fixture, so the fixture's cleanup finds it.
  const result = spawnSync('bash', ['-euo', 'pipefail', '-c', hook], {
    encoding: 'utf8', env: { ...process.env, device, TMPDIR: scratch, LC_ALL: 'C' }, timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr };
}

/** Mount targets of `device` right now. */
const mountsOf = (device: string): string[] =>
  sh('findmnt', ['-rn', '-o', 'TARGET', '--source', device]).split('\n').filter(Boolean);
const findmntQuiet = (device: string): string[] => { try { return mountsOf(device); } catch { return []; } };

let dir = '';
let hook = '';
let plan: StoragePlan;
before(async () => {
  if (skip !== false) return;
  dir = await mkdtemp(join(tmpdir(), 'panther-render-hook-'));
  plan = hookPlan();
  const file = join(dir, 'disko.nix');
  await writeFile(file, renderDisko(plan));
  const value = await nixEvalJson(file) as { disko: { devices: { disk: Record<string, any> } } };
  hook = value.disko.devices.disk[plan.pools[0]!.name].content.partitions.root.content.postCreateHook as string;
});
after(async () => { if (dir !== '') await rm(dir, { recursive: true, force: true }); });

async function createSubvolumes(mountPoint: string, subvolumes: readonly SubvolumePlan[]): Promise<void> {
  for (const s of subvolumes) {
    sh('btrfs', ['subvolume', 'create', join(mountPoint, s.name)]);
    // disko creates swapfiles before the hook runs, so +C meets a non-empty directory there.
    if (s.swapfile !== null) sh('btrfs', ['filesystem', 'mkswapfile', '--size', '16m', join(mountPoint, s.name, s.swapfile.path)]);
  }
}

describe('the rendered postCreateHook on a real btrfs', { skip }, () => {
  test('sets +C on exactly the no-CoW subvolumes and the planned compression on the others', async () => {
    const pool = plan.pools[0]!;
    await withLoopBtrfs({ sizeMiB: 300, label: pool.label }, async (fs) => {
      const device = fs.devices[0]!;
      await createSubvolumes(fs.mountPoint, pool.subvolumes);
      sh('umount', [fs.mountPoint]);

      for (const run of ['first run', 'second run (disko re-running on an existing filesystem)']) {
        const result = runHook(hook, device, fs.dir);
        assert.equal(result.status, 0, `${run}: ${result.stderr}`);
        assert.deepEqual(findmntQuiet(device), [], `${run}: the hook unmounted what it mounted`);
        assert.deepEqual((await readdir(fs.dir)).sort(), ['disk0.img', 'mnt'], `${run}: its temp directory is gone`);
      }

      sh('mount', ['-t', 'btrfs', '-o', 'subvol=/', device, fs.mountPoint]);
      for (const s of pool.subvolumes) {
        const path = join(fs.mountPoint, s.name);
        const flags = sh('lsattr', ['-d', path]).split(' ')[0]!;
        const property = sh('btrfs', ['property', 'get', path, 'compression']).trim();
        if (s.cow) {
          assert.ok(!flags.includes('C'), `${s.name} keeps CoW (${flags})`);
          assert.equal(property, `compression=${s.compression}`, s.name);
        } else {
          assert.ok(flags.includes('C'), `${s.name} is no-CoW (${flags})`);
          assert.equal(property, '', `${s.name} has no compression property`);
        }
      }
      // New files inherit: a file created in a no-CoW subvolume is C, one in a CoW subvolume is not.
      await writeFile(join(fs.mountPoint, '@postgresql', 'PG_VERSION'), '17\n');
      await writeFile(join(fs.mountPoint, '@home', 'notes'), 'x\n');
      assert.ok(sh('lsattr', [join(fs.mountPoint, '@postgresql', 'PG_VERSION')]).split(' ')[0]!.includes('C'));
      assert.ok(!sh('lsattr', [join(fs.mountPoint, '@home', 'notes')]).split(' ')[0]!.includes('C'));
    });
  });

  test('fails loudly when it cannot do its job, and still unmounts and removes its directory', async () => {
    const pool = plan.pools[0]!;
    await withLoopBtrfs({ sizeMiB: 300, label: pool.label }, async (fs) => {
      const device = fs.devices[0]!;
      await createSubvolumes(fs.mountPoint, pool.subvolumes.filter((s) => s.name !== '@redis'));
      sh('umount', [fs.mountPoint]);
      const result = runHook(hook, device, fs.dir);
      assert.notEqual(result.status, 0, 'a missing no-CoW subvolume is an error');
      assert.match(result.stderr, /@redis/);
      assert.deepEqual(findmntQuiet(device), []);
      assert.deepEqual((await readdir(fs.dir)).sort(), ['disk0.img', 'mnt']);
    });
  });
});

test('the render hook fixtures left nothing behind', { skip }, () => {
  assert.deepEqual(fixtureLeftovers(), []);
});
