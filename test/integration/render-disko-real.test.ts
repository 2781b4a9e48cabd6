// Real disko (the pinned library, found through test/support/nix-libs.ts) reads each host's rendered
// layout: what it derives for NixOS (fileSystems, swap) must be exactly what the plan says, so a
// layout that our own Nix printer accepts but disko reads differently cannot pass.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoragePlan } from '../../src/plan/types.ts';
import { renderDisko } from '../../src/render/disko.ts';
import { nixString } from '../../src/render/nix.ts';
import { findNixInstantiate, nixEvalJson } from '../../src/render/verify/nix-instantiate.ts';
import { findNixLibs, nixLibsSkip } from '../support/nix-libs.ts';
import { specPlan } from '../support/plans.ts';

const skip = findNixInstantiate() === null
  ? (process.env['CI'] === 'true' ? false : 'nix-instantiate not found (apt-get install -y nix-bin)')
  : nixLibsSkip();

const EVAL = `{ lib, disko, layout }:
let
  libs = import lib;
  diskoLib = import (disko + "/lib") { lib = libs; makeTest = null; eval-config = null; qemu-common = null; };
  evaluated = libs.evalModules {
    modules = [ { freeformType = with libs.types; lazyAttrsOf (lazyAttrsOf anything); } (diskoLib.config (import layout)) ];
  };
in {
  fileSystems = builtins.mapAttrs (_: v: { inherit (v) device fsType options; }) evaluated.config.fileSystems;
}
`;

interface Fs { device: string; fsType: string; options: string[] }

let dir = '';
before(async () => { dir = await mkdtemp(join(tmpdir(), 'panther-disko-real-')); });
after(async () => { if (dir !== '') await rm(dir, { recursive: true, force: true }); });

describe('real disko reads every rendered layout as planned', { skip }, () => {
  const hosts: Array<[string, () => StoragePlan]> = [
    ...['zephyrus', 'yoga', 'hetzner', 'contabo', 'ovh'].map((h): [string, () => StoragePlan] => [h, () => specPlan(h)]),
    ['zephyrus+databases', () => specPlan('zephyrus', { features: ['databases'] })],
  ];
  for (const [name, make] of hosts) {
    test(name, async () => {
      const plan = make();
      const libs = findNixLibs().libs!;
      const layout = join(dir, `${name}.nix`);
      await writeFile(layout, renderDisko(plan));
      const evalFile = join(dir, 'eval.nix');
      await writeFile(evalFile, EVAL);
      const result = await nixEvalJson(evalFile, { args: { lib: libs.lib, disko: libs.disko, layout: nixString(layout) } }) as { fileSystems: Record<string, Fs> };
      const btrfs = Object.entries(result.fileSystems).filter(([, fs]) => fs.fsType === 'btrfs');
      const planned = plan.pools.flatMap((pool) => pool.subvolumes.filter((s) => s.mountPoint !== null)
        .map((s) => ({ pool, sub: s })));
      assert.deepEqual(btrfs.map(([mp]) => mp).sort(), planned.map((p) => p.sub.mountPoint!).sort(), 'btrfs mounts = planned mount points');
      for (const { pool, sub } of planned) {
        const fs = result.fileSystems[sub.mountPoint!]!;
        assert.equal(fs.device, `/dev/disk/by-partlabel/disk-${pool.name}-root`, `${sub.name}: device`);
        assert.ok(fs.options.includes(`subvol=${sub.name}`), `${sub.name}: subvol= in ${fs.options.join(',')}`);
        for (const o of pool.filesystemOptions) assert.ok(fs.options.includes(o), `${sub.name}: pool option ${o} repeated on every mount`);
        for (const o of sub.mountOptions) assert.ok(fs.options.includes(o), `${sub.name}: its own option ${o}`);
        assert.ok(!fs.options.includes('nodatacow'), `${sub.name}: no-CoW is never a mount option`);
      }
      const espPools = plan.pools.filter((p) => p.boot === 'esp' || p.boot === 'hybrid');
      assert.equal(Object.values(result.fileSystems).filter((fs) => fs.fsType === 'vfat').length, espPools.length, 'one vfat ESP per pool with an ESP');
    });
  }
});
