// The five default spec plans: no errors, and only the warnings we chose to keep (listed here, so a new
// warning fails this test). Plus: every finding any test can produce belongs to a documented rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHECKS, lintPlan, RULES } from './index.ts';
import { locate, plan, SPEC_HOST_NAMES } from '../../../test/support/lint.ts';
import type { StoragePlan } from '../types.ts';

/**
 * Deliberate warnings: Hetzner's PostgreSQL and Redis are no-CoW for database I/O (the spec's request),
 * which costs data checksums (NOTES 3); the warning stays visible until the user acknowledges it.
 */
const EXPECTED_WARNINGS: Record<string, string[]> = {
  zephyrus: [],
  yoga: [],
  hetzner: ['nocow-no-checksums primary/@postgresql', 'nocow-no-checksums primary/@redis'],
  contabo: [],
  ovh: [],
};

/** Infos that document how the spec's requests are realised (NOTES 1, 2, 3, 8). */
const EXPECTED_INFO_IDS: Record<string, string[]> = {
  zephyrus: ['compression-level-per-subvolume', 'nix-nocow-requested', 'nocow-no-checksums', 'requested-option-ineffective'],
  yoga: ['compression-level-per-subvolume', 'nix-nocow-requested', 'nocow-no-checksums', 'requested-option-ineffective'],
  hetzner: ['compression-level-per-subvolume', 'nix-nocow-requested', 'nocow-frequent-snapshots', 'nocow-no-checksums', 'requested-option-ineffective'],
  contabo: ['compression-level-per-subvolume', 'nix-nocow-requested', 'nocow-no-checksums', 'requested-option-ineffective'],
  ovh: ['compression-level-per-subvolume', 'nix-nocow-requested', 'nocow-no-checksums', 'requested-option-ineffective'],
};

for (const host of SPEC_HOST_NAMES) {
  test(`default ${host} plan: no errors, only the documented warnings and infos`, () => {
    const findings = lintPlan(plan(host));
    assert.deepEqual(findings.filter((f) => f.severity === 'error').map((f) => `${f.id} ${f.subject}`), []);
    assert.deepEqual(findings.filter((f) => f.severity === 'warning').map((f) => `${f.id} ${f.subject}`).sort(), EXPECTED_WARNINGS[host]);
    assert.deepEqual([...new Set(findings.filter((f) => f.severity === 'info').map((f) => f.id))].sort(), EXPECTED_INFO_IDS[host]);
    assert.deepEqual(findings.filter((f) => f.severity === 'note'), []);
  });
}

test('the expected Hetzner warnings point at real database subvolumes', () => {
  const p = plan('hetzner');
  for (const name of ['@postgresql', '@redis']) {
    const { sub, subject } = locate(p, name);
    assert.equal(sub.workload, 'database');
    assert.equal(sub.cow, false);
    assert.ok(EXPECTED_WARNINGS['hetzner']!.includes(`nocow-no-checksums ${subject}`));
  }
});

/** Plans that together trigger most rules, to check every emitted id is documented. */
function stressPlans(): StoragePlan[] {
  const a = plan('zephyrus', {
    features: ['databases'],
    overrides: {
      filesystemOptions: ['compress=zstd:3', 'autodefrag', 'space_cache=v2', 'nodatacow', 'bogus', 'nospace_cache'],
      subvolumes: { '@nix': { cow: false }, '@home': { mountOptions: ['noatime', 'compress=zstd:1'], critical: true }, '@cache': { mountPoint: '/home' } },
      acknowledge: { nope: 'x' },
    },
  });
  a.profileSource = 'detected';
  a.pools[1]!.snapshotLocation = { pool: 'primary', subvolume: '@snapshots' };
  a.pools[1]!.subvolumes[0]!.snapshots = a.pools[0]!.subvolumes[0]!.snapshots;
  a.snapshots.schedule.frequent = null;
  const b = plan('hetzner', { overrides: { swapSize: '1K', subvolumes: { '@swap': { cow: true, snapshot: true, backup: 'daily' }, '@ai-tools': { mountPoint: '/tmp/x' } } } });
  b.pools[0]!.snapshotLocation = null;
  b.pools[0]!.subvolumes.push({ ...structuredClone(b.pools[0]!.subvolumes[1]!), name: '../x', mountPoint: '/boot' });
  b.pools[0]!.subvolumes.push(structuredClone(b.pools[0]!.subvolumes[2]!));
  const c = plan('yoga', { overrides: { subvolumes: { '@home': { critical: false }, '@': { mountPoint: null } } } });
  c.profileSource = 'flag';
  c.pools[0]!.subvolumes[1]!.swapfile = { path: 'swapfile', sizeBytes: 1 << 30 };
  return [a, b, c];
}

test('every rule is documented once, and every finding belongs to a documented rule at or below its severity', () => {
  const ids = RULES.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'rule ids are unique');
  for (const rule of RULES) {
    assert.ok(rule.title.length > 0 && rule.description.length > 20, rule.id);
    assert.ok(rule.notes === null || /^NOTES \d/.test(rule.notes), rule.id);
  }
  const rank = { error: 0, warning: 1, info: 2, note: 3 } as const;
  const seen = new Set<string>();
  for (const p of [...SPEC_HOST_NAMES.map((h) => plan(h)), ...stressPlans()]) {
    for (const f of lintPlan(p)) {
      const rule = RULES.find((r) => r.id === f.id);
      assert.ok(rule, `finding ${f.id} has no RULES entry`);
      if (f.severity !== 'note') assert.ok(rank[f.severity] >= rank[rule.severity], `${f.id} reported as ${f.severity}, documented as ${rule.severity}`);
      assert.ok(f.subject.length > 0 && f.message.length > 0 && f.fix.length > 0, f.id);
      seen.add(f.id);
    }
  }
  // The stress plans reach every rule, so this list of documented-but-unreached rules must stay empty.
  assert.deepEqual(ids.filter((id) => !seen.has(id)), []);
  assert.ok(CHECKS.length > 0);
});
