// NOTES 1–3: filesystem-wide options, the spec's requested options, no-CoW and its costs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintPlan } from './index.ts';
import { locate, matching, only, plan, pool, SPEC_HOST_NAMES } from '../../../test/support/lint.ts';

function absentOnAllSpecHosts(id: string): void {
  for (const host of SPEC_HOST_NAMES) assert.deepEqual(matching(lintPlan(plan(host)), id), [], `${id} on default ${host}`);
}

test('NOTES 1: a filesystem-wide option on one subvolume is flagged, with the per-subvolume alternative', () => {
  const p = plan('zephyrus', { overrides: { subvolumes: { '@home': { mountOptions: ['noatime', 'compress=zstd:1'] }, '@dev-projects': { mountOptions: ['noatime', 'nodatacow'] } } } });
  const findings = lintPlan(p);
  const home = only(findings, 'fs-option-per-subvolume', locate(p, '@home').subject);
  assert.equal(home.severity, 'warning');
  assert.match(home.message, /compress=zstd:1/);
  assert.match(home.fix, /compression/);
  const dev = only(findings, 'fs-option-per-subvolume', locate(p, '@dev-projects').subject);
  assert.match(dev.fix, /\.cow = false/);
  // The VFS option next to it is per mount and fine.
  assert.equal(matching(findings, 'fs-option-per-subvolume').length, 2);
  absentOnAllSpecHosts('fs-option-per-subvolume');
});

test('NOTES 1: different values of one filesystem-wide option on one pool name the value that wins', () => {
  const p = plan('zephyrus', { overrides: { subvolumes: { '@home': { mountOptions: ['noatime', 'compress=zstd:1'] }, '@tmp': { mountOptions: ['noatime', 'compress=lzo'] } } } });
  const findings = lintPlan(p);
  const primary = only(findings, 'fs-option-differs', `pool ${pool(p, 'primary').name}`);
  assert.equal(primary.severity, 'warning');
  // The pool's own compress= is rendered on / which mounts first, so it wins.
  assert.match(primary.message, new RegExp(`/ mounts first, so ${pool(p, 'primary').filesystemOptions[0]}`));
  // The secondary pool has no / mount: the winner is not determined.
  const secondary = only(findings, 'fs-option-differs', 'pool secondary');
  assert.match(secondary.message, /whichever subvolume mounts first/);
  absentOnAllSpecHosts('fs-option-differs');
});

test('NOTES 1: a per-subvolume compression level is reported with the level that really applies', () => {
  const p = plan('hetzner');
  const nix = locate(p, '@nix');
  assert.equal(nix.sub.compressionLevel, 1);
  const f = only(lintPlan(p), 'compression-level-per-subvolume', nix.subject);
  assert.equal(f.severity, 'info');
  assert.match(f.message, /level 3/);
  // Subvolumes without a recorded level are not reported.
  assert.deepEqual(matching(lintPlan(p), 'compression-level-per-subvolume', locate(p, '@home').subject), []);
  // Once the pool's level is the one asked for, nothing is left to report.
  const same = plan('hetzner', { overrides: { filesystemOptions: ['compress=zstd:1'] } });
  assert.deepEqual(matching(lintPlan(same), 'compression-level-per-subvolume'), []);
});

test('NOTES 1/2: each requested option the plan does not mount with says how it is realised', () => {
  const p = plan('zephyrus');
  const findings = lintPlan(p);
  const dev = matching(findings, 'requested-option-ineffective', locate(p, '@dev-projects').subject);
  // "/home/dev on Zephyrus requested nodatacow": kept CoW on purpose, with the override to force it.
  const nodatacow = dev.find((f) => f.message.startsWith('requested nodatacow'));
  assert.ok(nodatacow, 'nodatacow request on @dev-projects reported');
  assert.equal(nodatacow.severity, 'info');
  assert.match(nodatacow.fix, /\["@dev-projects"\]\.cow = false/);
  assert.ok(dev.some((f) => f.message.startsWith('requested ssd')), 'ssd request reported');
  const tmp = only(findings, 'requested-option-ineffective', locate(p, '@tmp').subject);
  assert.match(tmp.message, /^requested compress=no: .*no-CoW/);
  // @home asked for compress=zstd:3 and noatime: the pool and its mount options give exactly that.
  const home = matching(findings, 'requested-option-ineffective', locate(p, '@home').subject);
  assert.deepEqual(home.map((f) => f.message.split(':')[0]), ['requested discard=async']);
  // The level-only requests (compress=zstd:1 on @nix and the caches) are left to compression-level-per-subvolume.
  for (const name of ['@nix', '@cache', '@user-cache']) {
    const { sub, subject } = locate(p, name);
    assert.ok(sub.requestedMountOptions.includes('compress=zstd:1'), name);
    assert.equal(matching(findings, 'compression-level-per-subvolume', subject).length, 1, name);
    assert.deepEqual(matching(findings, 'requested-option-ineffective', subject), [], name);
  }
  // Without a recorded level, the same request is explained here instead.
  const unrecorded = plan('zephyrus');
  const cache = locate(unrecorded, '@cache');
  cache.sub.compressionLevel = null;
  assert.match(only(lintPlan(unrecorded), 'requested-option-ineffective', cache.subject).message, /level is filesystem-wide, so the pool's compress=zstd:3 applies/);
  // Forcing no-CoW on @dev-projects realises the request: that finding disappears.
  const forced = plan('zephyrus', { overrides: { subvolumes: { '@dev-projects': { cow: false, compression: 'none' } } } });
  const forcedDev = matching(lintPlan(forced), 'requested-option-ineffective', locate(forced, '@dev-projects').subject);
  assert.match(forcedDev.find((f) => f.message.startsWith('requested nodatacow'))!.message, /chattr \+C/);
});

test('NOTES 2: compress together with nodatacow is an error that says which option wins', () => {
  const compressLast = plan('yoga', { overrides: { filesystemOptions: ['nodatacow', 'compress=zstd:1'] } });
  const a = only(lintPlan(compressLast), 'contradictory-options', `pool ${compressLast.pools[0]!.name}`);
  assert.equal(a.severity, 'error');
  assert.match(a.message, /compress=zstd:1 comes last, so nodatacow\/nodatasum are dropped/);
  const nocowLast = plan('yoga', { overrides: { filesystemOptions: ['compress=zstd:1', 'nodatacow'] } });
  assert.match(only(lintPlan(nocowLast), 'contradictory-options', 'pool primary').message, /nodatacow comes last, so compression is dropped/);
  // A later datacow restores CoW, but nodatacow already dropped compression and nodatasum stays (kernel order).
  const undone = plan('yoga', { overrides: { filesystemOptions: ['compress=zstd:1', 'nodatacow', 'datacow'] } });
  assert.match(only(lintPlan(undone), 'contradictory-options', 'pool primary').message, /compression ends up off and data checksums off/);
  // The spec's /nix line as mount options: the pool's compress= is rendered first, then nodatacow.
  const nix = plan('yoga', { overrides: { subvolumes: { '@nix': { mountOptions: ['noatime', 'nodatacow'] } } } });
  const subject = locate(nix, '@nix').subject;
  assert.equal(only(lintPlan(nix), 'contradictory-options', subject).severity, 'error');
  absentOnAllSpecHosts('contradictory-options');
});

test('NOTES 2: /nix planned no-CoW warns (false premise); the spec\'s request is an info while CoW is kept', () => {
  const p = plan('contabo', { overrides: { subvolumes: { '@nix': { cow: false, compression: 'none' } } } });
  const { subject } = locate(p, '@nix');
  const f = only(lintPlan(p), 'nix-nocow', subject);
  assert.equal(f.severity, 'warning');
  assert.match(f.message, /hard link/);
  assert.deepEqual(matching(lintPlan(p), 'nix-nocow-requested'), []);
  absentOnAllSpecHosts('nix-nocow');
  // A mount point of /nix counts even under another workload.
  const renamed = plan('ovh');
  const n = locate(renamed, '@nix');
  n.sub.workload = 'cache';
  n.sub.cow = false;
  assert.equal(matching(lintPlan(renamed), 'nix-nocow', n.subject).length, 1);
  for (const host of SPEC_HOST_NAMES) {
    const d = plan(host);
    assert.equal(only(lintPlan(d), 'nix-nocow-requested', locate(d, '@nix').subject).severity, 'info', host);
  }
});

test('NOTES 2: a no-CoW subvolume that asks for compression warns', () => {
  const p = plan('yoga', { overrides: { subvolumes: { '@home': { cow: false } } } });
  const home = locate(p, '@home');
  assert.equal(home.sub.compression, 'zstd');
  const f = only(lintPlan(p), 'nocow-compressed', home.subject);
  assert.equal(f.severity, 'warning');
  assert.match(f.message, /EINVAL/);
  absentOnAllSpecHosts('nocow-compressed');
});

test('NOTES 3: no-CoW database data warns about checksums; other no-CoW data is info; swap and /tmp are exempt', () => {
  const p = plan('hetzner');
  const findings = lintPlan(p);
  const pg = only(findings, 'nocow-no-checksums', locate(p, '@postgresql').subject);
  assert.equal(pg.severity, 'warning');
  assert.match(pg.fix, /initdb --data-checksums/);
  assert.equal(only(findings, 'nocow-no-checksums', locate(p, '@redis').subject).severity, 'warning');
  assert.equal(only(findings, 'nocow-no-checksums', locate(p, '@containers').subject).severity, 'info');
  assert.deepEqual(matching(findings, 'nocow-no-checksums', locate(p, '@swap').subject), []);
  assert.deepEqual(matching(findings, 'nocow-no-checksums', locate(p, '@tmp').subject), []);
  // Laptops only have database subvolumes with the feature.
  assert.deepEqual(matching(lintPlan(plan('zephyrus')), 'nocow-no-checksums').filter((f) => f.severity === 'warning'), []);
  const withDb = plan('zephyrus', { features: ['databases'] });
  assert.equal(only(lintPlan(withDb), 'nocow-no-checksums', locate(withDb, '@postgresql').subject).severity, 'warning');
});
