import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specPlan } from '../../test/support/plans.ts';
import { ExitCode, PantherError } from '../core/errors.ts';
import { checkActionPaths, planActions } from './actions.ts';
import { underPool, underRoot } from './paths.ts';

const unsafe = (fn: () => unknown, pattern: RegExp): void => {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof PantherError);
    assert.equal(error.code, 'unsafe-path');
    assert.equal(error.exitCode, ExitCode.refused);
    assert.match(error.message, pattern);
    return true;
  });
};

test('underRoot places absolute mount points below root', () => {
  assert.equal(underRoot('/mnt', '/'), '/mnt');
  assert.equal(underRoot('/mnt', '/home/u/dev'), '/mnt/home/u/dev');
  assert.equal(underRoot('/', '/nix'), '/nix');
});

test('underRoot refuses ".." even where normalising would hide it, relative paths and NUL', () => {
  unsafe(() => underRoot('/mnt', '/var/../../etc'), /mount point "\/var\/\.\.\/\.\.\/etc" would resolve outside the root \/mnt/);
  unsafe(() => underRoot('/mnt', '/..'), /outside/);
  unsafe(() => underRoot('/mnt', 'home'), /outside/);
  unsafe(() => underRoot('/mnt', '/home/./u'), /outside/);
  unsafe(() => underRoot('/mnt', '/home\0'), /outside/);
});

test('underPool keeps subvolume names inside the pool: no "..", no absolute name, no empty segment', () => {
  assert.equal(underPool('/t/primary', '@home'), '/t/primary/@home');
  assert.equal(underPool('/t/primary', '@a/@b', 'swapfile'), '/t/primary/@a/@b/swapfile');
  for (const bad of ['@x/../../../etc', '..', '/etc', '@a//b', '@a/', '.', '', '@a/./b', 'x\0']) {
    unsafe(() => underPool('/t/primary', bad), /subvolume path .* would resolve outside the pool mounted at \/t\/primary/);
  }
  unsafe(() => underPool('/t/primary', '@swap', '../../escape'), /outside/);
});

test('checkActionPaths refuses a plan whose subvolume, swapfile or mount point escapes, before anything runs', () => {
  assert.doesNotThrow(() => checkActionPaths(planActions(specPlan('hetzner')), '/mnt'));
  const escape = (change: (p: ReturnType<typeof specPlan>) => void): void => {
    const plan = structuredClone(specPlan('hetzner'));
    change(plan);
    unsafe(() => checkActionPaths(planActions(plan), '/mnt'), /outside/);
  };
  escape((p) => { p.pools[0]!.subvolumes[1]!.name = '@home/../../../../tmp/x'; });
  escape((p) => { p.pools[0]!.subvolumes[1]!.name = '/tmp/x'; });
  escape((p) => { p.pools[0]!.subvolumes.find((s) => s.swapfile !== null)!.swapfile!.path = '../swapfile'; });
  escape((p) => { p.pools[0]!.subvolumes[1]!.mountPoint = '/home/../../etc'; });
});
