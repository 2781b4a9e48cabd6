import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metric } from '../metrics/catalog.ts';
import type { StoragePlan } from '../plan/types.ts';
import { fleetPlans } from '../../test/support/alerting-fleet.ts';
import { promql } from './promql.ts';
import { fleetRules, hostRules, retentionExpectations, type AlertRule } from './rules.ts';

const plans = await fleetPlans();
const plan = (host: string): StoragePlan => structuredClone(plans.find((p) => p.host === host)!);
const rule = (rules: AlertRule[], id: string): AlertRule | undefined => rules.find((r) => r.id === id);

test('every rule of the specification is there for a host that snapshots and backs up, with its delay and severity', () => {
  const rules = hostRules(plan('hetzner'));
  const expect: Array<[string, string, number, string]> = [
    ['snapshot-failed', 'critical', 0, 'pantheros.snapshot.failed'],
    ['database-snapshot-failed', 'critical', 0, 'pantheros.snapshot.hook_failed'],
    ['backup-failed', 'critical', 0, 'pantheros.backup.failed'],
    ['disk-usage-high', 'critical', 120, 'pantheros.disk.usage'],
    ['backup-too-old', 'critical', 0, 'pantheros.backup.age'],
    ['snapshot-stale', 'warning', 0, 'pantheros.snapshot.age'],
    ['retention-count-high', 'warning', 60, 'pantheros.snapshot.count'],
    ['backup-slow', 'warning', 0, 'pantheros.backup.duration'],
    ['b2-cost-high', 'warning', 0, 'pantheros.backup.b2.cost'],
  ];
  for (const [id, severity, forMinutes, name] of expect) {
    const r = rule(rules, id);
    assert.ok(r, `${id} missing`);
    assert.deepEqual([r.severity, r.forMinutes, r.metric], [severity, forMinutes, name], id);
  }
  assert.equal(rule(rules, 'backup-failed')!.condition.kind, 'rise');
  assert.deepEqual(rule(rules, 'backup-failed')!.condition, { kind: 'rise', windowMinutes: 60 });
});

test('thresholds come from each plan: RPO, budget, window, retention counts', () => {
  const hetzner = hostRules(plan('hetzner'));
  assert.deepEqual(rule(hetzner, 'snapshot-rpo-missed')!.condition, { kind: 'above', threshold: 0.25 }, 'Hetzner: RPO 15 min = 0.25 h');
  assert.equal(rule(hetzner, 'snapshot-rpo-missed')!.forMinutes, 5);
  assert.deepEqual(rule(hostRules(plan('zephyrus')), 'snapshot-rpo-missed')!.condition, { kind: 'above', threshold: 1 });
  assert.deepEqual(rule(hostRules(plan('contabo')), 'snapshot-rpo-missed')!.condition, { kind: 'above', threshold: 4 });
  assert.deepEqual(rule(hetzner, 'b2-cost-high')!.condition, { kind: 'above', threshold: 2.7 }, '90 % of $3, printed as 2.7');
  assert.deepEqual(rule(hostRules(plan('ovh')), 'b2-cost-high')!.condition, { kind: 'above', threshold: 0.9 });
  // The longer of the two windows (weekends 02:00-06:00): a run may take that long.
  assert.deepEqual(rule(hetzner, 'backup-slow')!.condition, { kind: 'above', threshold: 4 * 3600 });
  const p = plan('hetzner');
  p.backup.monthlyBudgetUsd = 10;
  p.backup.window = { weekdays: '23:00-01:30', weekends: '01:00-02:00' };
  p.objectives.rpoMinutes = 30;
  const changed = hostRules(p);
  assert.deepEqual(rule(changed, 'b2-cost-high')!.condition, { kind: 'above', threshold: 9 });
  assert.deepEqual(rule(changed, 'backup-slow')!.condition, { kind: 'above', threshold: 150 * 60 }, 'a window across midnight');
  assert.deepEqual(rule(changed, 'snapshot-rpo-missed')!.condition, { kind: 'above', threshold: 0.5 });
});

test('retention counts: the sum of the tier over the subvolumes, slack of one per subvolume, "low" only for tiers that fill within a week', () => {
  const p = plan('hetzner');
  const subvols = p.pools.flatMap((pool) => pool.subvolumes).filter((s) => s.snapshots !== null);
  const daily = subvols.filter((s) => s.snapshots!.daily > 0);
  const exp = retentionExpectations(p).find((e) => e.tier === 'daily')!;
  assert.equal(exp.expected, daily.reduce((n, s) => n + s.snapshots!.daily, 0));
  const rules = hostRules(p).filter((r) => r.metric === 'pantheros.snapshot.count');
  const high = rules.find((r) => r.id === 'retention-count-high' && r.match['type'] === 'daily')!;
  assert.deepEqual(high.condition, { kind: 'above', threshold: exp.expected + daily.length });
  assert.equal(rules.find((r) => r.id === 'retention-count-low' && r.match['type'] === 'daily'), undefined, 'daily ×30 takes a month to fill');
  const frequent = rules.find((r) => r.id === 'retention-count-low' && r.match['type'] === 'frequent')!;
  const keep = Math.max(...subvols.map((s) => s.snapshots!.frequent));
  assert.equal(frequent.forMinutes, (keep + 1) * 15, 'frequent every 15 min: full after keep+1 periods');
  assert.ok(rules.every((r) => r.match['type'] !== undefined));
});

test('a host without backups or database hooks gets no rule over metrics it never sends', () => {
  const p = plan('ovh');
  for (const pool of p.pools) for (const s of pool.subvolumes) { s.backup = 'never'; delete s.hooks; if (s.workload === 'database') s.workload = 'user'; }
  const ids = new Set(hostRules(p).map((r) => r.id));
  for (const id of ['backup-failed', 'backup-too-old', 'backup-slow', 'b2-cost-high', 'repository-check-failed', 'backup-behind', 'database-snapshot-failed']) assert.ok(!ids.has(id), id);
  assert.ok(ids.has('snapshot-failed') && ids.has('disk-usage-high'));
});

test('every rule names a catalog metric and matches only its tags; alert names with their labels are unique', () => {
  const rules = fleetRules(plans);
  const seen = new Set<string>();
  for (const r of rules) {
    const def = metric(r.metric);
    for (const k of Object.keys(r.match)) assert.ok(def.tags.includes(k), `${r.id}: ${k} is not a tag of ${def.name}`);
    const key = `${r.alert}/${r.host}/${JSON.stringify(r.match)}`;
    assert.ok(!seen.has(key), `duplicate ${key}`);
    seen.add(key);
  }
});

test('PromQL: a counter rise also catches a series that first appears above 0; label values are quoted', () => {
  const r = rule(hostRules(plan('hetzner')), 'snapshot-failed')!;
  assert.equal(promql(r), 'increase(pantheros_snapshot_failed_total{host="hetzner"}[1h]) > 0 or (pantheros_snapshot_failed_total{host="hetzner"} unless pantheros_snapshot_failed_total{host="hetzner"} offset 1h) > 0');
  assert.equal(promql({ ...r, host: 'a"b', metric: 'pantheros.disk.usage', condition: { kind: 'above', threshold: 85 } }), 'pantheros_disk_usage{host="a\\"b"} > 85');
});

test('restore drills: failed (critical), overdue at about twice each level\'s period, RTO missed; only for hosts that back up', () => {
  const rules = hostRules(plan('hetzner'));
  assert.deepEqual([rule(rules, 'drill-failed')!.condition, rule(rules, 'drill-failed')!.severity, rule(rules, 'drill-failed')!.metric],
    [{ kind: 'below', threshold: 1 }, 'critical', 'pantheros.drill.passed']);
  const overdue = rules.filter((r) => r.id === 'drill-overdue');
  assert.deepEqual(overdue.map((r) => [r.match['level'], r.condition]), [
    ['integrity', { kind: 'above', threshold: 14 * 86_400 }],
    ['restore', { kind: 'above', threshold: 62 * 86_400 }],
    ['disaster', { kind: 'above', threshold: 184 * 86_400 }],
  ]);
  assert.ok(overdue.every((r) => r.metric === 'pantheros.drill.since_pass' && r.severity === 'warning'));
  assert.deepEqual(rule(rules, 'drill-rto-missed')!.condition, { kind: 'below', threshold: 1 });
  assert.equal(promql(rule(rules, 'drill-overdue')!), 'pantheros_drill_since_pass{host="hetzner",level="integrity"} > 1209600');
  const p = plan('ovh');
  for (const pool of p.pools) for (const s of pool.subvolumes) s.backup = 'never';
  assert.ok(!hostRules(p).some((r) => r.id.startsWith('drill-')), 'no repository, no drill');
});
