import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specPlan } from '../../test/support/plans.ts';
import { ExitCode, PantherError } from '../core/errors.ts';
import type { StoragePlan, SubvolumePlan } from '../plan/types.ts';
import { renderDisko } from './disko.ts';
import { renderNixos } from './nixos.ts';

function withSubvolume(change: (s: SubvolumePlan, plan: StoragePlan) => void, name = '@postgresql'): StoragePlan {
  const plan = structuredClone(specPlan('hetzner'));
  change(plan.pools[0]!.subvolumes.find((s) => s.name === name)!, plan);
  return plan;
}

function refused(plan: StoragePlan, pattern: RegExp): void {
  for (const render of [renderDisko, renderNixos]) {
    assert.throws(() => render(plan), (error: unknown) => {
      assert.ok(error instanceof PantherError);
      assert.equal(error.code, 'render-refused');
      assert.equal(error.exitCode, ExitCode.refused);
      assert.match(error.message, pattern);
      assert.ok(error.hint !== undefined && error.hint.length > 0);
      return true;
    });
  }
}

test('refuses nodatacow anywhere: per subvolume it is ignored, per pool it disables CoW for all', () => {
  refused(withSubvolume((s) => s.mountOptions.push('nodatacow')), /@postgresql: mount option nodatacow/);
  refused(withSubvolume((_, plan) => plan.pools[0]!.filesystemOptions.push('nodatasum')), /filesystem option nodatasum/);
});

test('refuses fs-wide options on a subvolume that differ from the pool\'s; identical ones are fine', () => {
  refused(withSubvolume((s) => s.mountOptions.push('compress=zstd:1'), '@nix'), /@nix: mount option compress=zstd:1/);
  refused(withSubvolume((s) => s.mountOptions.push('autodefrag')), /autodefrag/);
  refused(withSubvolume((s) => s.mountOptions.push('subvol=/other')), /subvol=\/other/);
  const same = withSubvolume((s) => s.mountOptions.push('compress=zstd:3'), '@nix');
  assert.doesNotThrow(() => renderDisko(same));
  assert.equal(renderDisko(same).match(/compress=zstd:3/g)!.length, renderDisko(specPlan('hetzner')).match(/compress=zstd:3/g)!.length);
});

test('refuses names, devices and mount points that disko would paste into shell unsafely', () => {
  refused(withSubvolume((s) => { s.name = '@x$(reboot)'; }), /subvolume name/);
  refused(withSubvolume((s) => { s.mountPoint = '/var/lib/post gres'; }), /mount point/);
  refused(withSubvolume((s) => { s.mountPoint = 'var/lib'; }), /not absolute/);
  refused(withSubvolume((_, plan) => { plan.pools[0]!.device = '/dev/sda"; rm -rf /'; }), /device/);
  refused(withSubvolume((s) => s.mountOptions.push('noatime x')), /mount option "noatime x" contains " "/);
});

test('refuses a swapfile that disko cannot place', () => {
  refused(withSubvolume((s) => { s.mountPoint = null; }, '@swap'), /swapfile needs a mounted subvolume/);
  refused(withSubvolume((s) => { s.swapfile = { path: '../escape', sizeBytes: 4 * 1024 ** 3 }; }, '@swap'), /inside the subvolume/);
});

test('a single quote in a subvolume name is refused: disko pastes the name unquoted into mount -o subvol=', () => {
  refused(withSubvolume((s) => { s.name = "@it's"; }), /subvolume name "@it's" contains "'"/);
});

test('names, options and labels disko uses unquoted: every shell metacharacter is refused, naming field and character', () => {
  for (const c of [';', '{', '}', '#', '|', '&', '<', '>', '(', ')', '*', '?', '!', '~', '[', "'", ',', '=']) {
    const char = new RegExp(`contains ${JSON.stringify(c).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
    refused(withSubvolume((s) => { s.name = `@pg${c}x`; }), new RegExp(`subvolume name .*${char.source}`));
    if (c !== '=') refused(withSubvolume((s) => { s.mountOptions.push(`noatime${c}x`); }), new RegExp(`mount option .*${char.source}`));
    refused(withSubvolume((_, plan) => { plan.pools[0]!.label = `hetzner${c}primary`; }), new RegExp(`label .*${char.source}`));
  }
  refused(withSubvolume((_, plan) => { plan.pools[0]!.filesystemOptions.push('compress=zstd;reboot'); }), /filesystem option "compress=zstd;reboot" contains ";"/);
  refused(withSubvolume((s) => { s.name = '-rf'; }), /starts with "-"/);
  refused(withSubvolume((s) => { s.name = '@a/../../b'; }), /"\.\." segment/);
  refused(withSubvolume((s) => { s.name = '@a\nb'; }), /contains "\\n" \(U\+000A\)/);
});
