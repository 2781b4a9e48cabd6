// NOTES 6 (defaults, v1 cache, autodefrag), NOTES 7 (profile pinned), NOTES 8 (RPO).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintPlan } from './index.ts';
import { achievedRpoMinutes } from './rpo.ts';
import { locate, matching, only, plan, pool, SPEC_HOST_NAMES } from '../../../test/support/lint.ts';
import type { SnapshotTiers } from '../types.ts';

function absentOnAllSpecHosts(id: string): void {
  for (const host of SPEC_HOST_NAMES) assert.deepEqual(matching(lintPlan(plan(host)), id), [], `${id} on default ${host}`);
}

test('NOTES 6: emitting kernel defaults is an info per option, and realises the spec\'s request', () => {
  const defaults = ['space_cache=v2', 'discard=async', 'ssd'];
  const p = plan('hetzner', { overrides: { filesystemOptions: ['compress=zstd:3', ...defaults] } });
  const findings = lintPlan(p);
  const subject = `pool ${p.pools[0]!.name}`;
  const infos = matching(findings, 'default-option', subject);
  assert.deepEqual(infos.map((f) => f.severity), ['info', 'info', 'info']);
  assert.deepEqual(infos.map((f) => f.message.split(' ')[0]), defaults);
  // @ asked for discard=async and space_cache=v2: now applied by the pool, so no longer "ineffective".
  assert.deepEqual(matching(findings, 'requested-option-ineffective', locate(p, '@').subject), []);
  absentOnAllSpecHosts('default-option');
});

test('NOTES 6: the v1 space cache is an error in every spelling', () => {
  for (const option of ['space_cache=v1', 'space_cache', 'nospace_cache']) {
    const p = plan('yoga', { overrides: { filesystemOptions: ['compress=zstd:3', option] } });
    const f = only(lintPlan(p), 'space-cache-v1', `pool ${p.pools[0]!.name}`);
    assert.equal(f.severity, 'error', option);
    assert.ok(f.message.startsWith(option), option);
  }
  const onMount = plan('yoga', { overrides: { subvolumes: { '@home': { mountOptions: ['noatime', 'space_cache=v1'] } } } });
  assert.equal(only(lintPlan(onMount), 'space-cache-v1', locate(onMount, '@home').subject).severity, 'error');
  absentOnAllSpecHosts('space-cache-v1');
});

test('NOTES 6: autodefrag warns on pools that hold databases or containers, and only there', () => {
  const z = plan('zephyrus', { overrides: { filesystemOptions: ['compress=zstd:3', 'autodefrag'] } });
  const findings = lintPlan(z);
  // Containers live on the secondary pool; the primary pool has no databases without the feature.
  assert.equal(only(findings, 'autodefrag-with-databases', `pool ${pool(z, 'secondary').name}`).severity, 'warning');
  assert.deepEqual(matching(findings, 'autodefrag-with-databases', 'pool primary'), []);
  const withDb = plan('zephyrus', { features: ['databases'], overrides: { filesystemOptions: ['compress=zstd:3', 'autodefrag'] } });
  assert.match(only(lintPlan(withDb), 'autodefrag-with-databases', 'pool primary').message, /@postgresql \(database\)/);
  // Requested on a single subvolume mount it may still end up active (whichever mounts first decides).
  const h = plan('hetzner', { overrides: { subvolumes: { '@log': { mountOptions: ['noatime', 'autodefrag'] } } } });
  assert.equal(only(lintPlan(h), 'autodefrag-with-databases', 'pool primary').severity, 'warning');
  absentOnAllSpecHosts('autodefrag-with-databases');
});

test('NOTES 7: a detected profile warns, a --profile choice is an info, an inventory pin is silent', () => {
  const detected = plan('contabo');
  detected.profileSource = 'detected';
  assert.equal(only(lintPlan(detected), 'profile-not-pinned', 'plan').severity, 'warning');
  const flagged = plan('contabo');
  flagged.profileSource = 'flag';
  const info = only(lintPlan(flagged), 'profile-not-pinned', 'plan');
  assert.equal(info.severity, 'info');
  assert.match(info.fix, new RegExp(`"${flagged.host}"`));
  absentOnAllSpecHosts('profile-not-pinned');
});

const TIERS: SnapshotTiers = { frequentMinutes: null, frequent: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 };

test('NOTES 8: the achieved RPO is the interval of the most frequent active tier', () => {
  const p = plan('hetzner');
  const { sub } = locate(p, '@postgresql');
  const rpo = (tiers: Partial<SnapshotTiers>): number => achievedRpoMinutes({ ...sub, snapshots: { ...TIERS, ...tiers } }, p);
  assert.equal(rpo({ frequentMinutes: 15, frequent: 12, daily: 30 }), 15);
  assert.equal(rpo({ frequentMinutes: 15, frequent: 0, daily: 30 }), 1440);
  assert.equal(rpo({ weekly: 4, monthly: 12 }), 7 * 24 * 60);
  assert.equal(rpo({ monthly: 12 }), 43830);
  assert.equal(rpo({}), Number.POSITIVE_INFINITY);
  assert.equal(achievedRpoMinutes({ ...sub, snapshots: null }, p), Number.POSITIVE_INFINITY);
  // Hetzner's schedule has no hourly timer: an hourly count alone does not fire.
  assert.equal(p.snapshots.schedule.hourly, null);
  assert.equal(rpo({ hourly: 24, daily: 30 }), 1440);
  // Without the frequent timer the frequent tier does not fire either.
  const noTimer = plan('hetzner');
  noTimer.snapshots.schedule.frequent = null;
  assert.equal(achievedRpoMinutes(locate(noTimer, '@postgresql').sub, noTimer), 1440);
});

test('NOTES 8: a critical subvolume whose schedule misses the objective warns with both numbers', () => {
  const p = plan('hetzner');
  const redis = locate(p, '@redis');
  redis.sub.snapshots!.frequent = 0;
  const f = only(lintPlan(p), 'rpo-gap', redis.subject);
  assert.equal(f.severity, 'warning');
  assert.match(f.message, new RegExp(`RPO of ${24 * 60} minutes, against the objective of ${p.objectives.rpoMinutes} minutes`));
  assert.deepEqual(matching(lintPlan(p), 'rpo-gap', locate(p, '@postgresql').subject), []);
  // The spec's plain daily schedule (no frequent tier) misses every laptop objective.
  const z = plan('zephyrus');
  z.snapshots.schedule.frequent = null;
  const gaps = matching(lintPlan(z), 'rpo-gap').map((x) => x.subject).sort();
  const critical = z.pools.flatMap((pl) => pl.subvolumes.filter((s) => s.critical).map((s) => `${pl.name}/${s.name}`)).sort();
  assert.deepEqual(gaps, critical);
  assert.ok(critical.length > 0);
  // The boundary: exactly the objective meets it, anything slower misses it.
  const b = plan('contabo');
  const home = locate(b, '@home');
  assert.equal(home.sub.snapshots!.frequentMinutes, b.objectives.rpoMinutes);
  assert.deepEqual(matching(lintPlan(b), 'rpo-gap'), []);
  home.sub.snapshots!.frequentMinutes = b.objectives.rpoMinutes + 60;
  assert.match(only(lintPlan(b), 'rpo-gap', home.subject).message, new RegExp(`RPO of ${b.objectives.rpoMinutes + 60} minutes`));
  // Never snapshotted: unbounded.
  const c = plan('contabo', { overrides: { subvolumes: { '@config': { snapshot: false } } } });
  assert.match(only(lintPlan(c), 'rpo-gap', locate(c, '@config').subject).message, /unbounded/);
  absentOnAllSpecHosts('rpo-gap');
});

test('NOTES 8: no critical subvolume at all is an info', () => {
  const p = plan('yoga', { overrides: { subvolumes: { '@home': { critical: false } } } });
  assert.equal(only(lintPlan(p), 'rpo-no-critical', 'plan').severity, 'info');
  absentOnAllSpecHosts('rpo-no-critical');
});

test('NOTES 8: no-CoW subvolumes snapshotted more often than daily are an info about fragmentation', () => {
  const h = plan('hetzner');
  for (const name of ['@postgresql', '@redis']) assert.equal(only(lintPlan(h), 'nocow-frequent-snapshots', locate(h, name).subject).severity, 'info');
  // Daily snapshots of no-CoW data are not "frequent".
  const y = plan('yoga', { features: ['databases'] });
  assert.ok(locate(y, '@postgresql').sub.snapshots !== null);
  assert.deepEqual(matching(lintPlan(y), 'nocow-frequent-snapshots'), []);
  for (const host of ['zephyrus', 'yoga', 'contabo', 'ovh']) assert.deepEqual(matching(lintPlan(plan(host)), 'nocow-frequent-snapshots'), [], host);
});
