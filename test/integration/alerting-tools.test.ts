// The rendered Prometheus rules and Alertmanager routes, judged by the real tools: promtool checks the
// rules and runs unit tests generated from the rule model (every rule fires just past its threshold
// once its delay has run out, and stays quiet at the threshold and before the delay); amtool checks the
// config and shows, alert by alert, which receivers it reaches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnPath } from '../../src/core/find-on-path.ts';
import { renderAlertmanager } from '../../src/alerting/alertmanager.ts';
import { parseAlertingConfig, type AlertingConfig } from '../../src/alerting/config.ts';
import { renderPrometheusRules, ruleLabels } from '../../src/alerting/prometheus-rules.ts';
import { fleetRules, hostRules, type AlertRule } from '../../src/alerting/rules.ts';
import { toYaml } from '../../src/alerting/yaml.ts';
import { fleetPlans, FULL_CONFIG_JSON, fullConfig } from '../support/alerting-fleet.ts';
import { promtoolTests } from '../support/promtool-tests.ts';

function skip(tools: string[]): string | false {
  const missing = tools.filter((t) => findOnPath(t) === null);
  if (missing.length === 0) return false;
  const reason = `${missing.join(', ')} not found (apt-get install -y prometheus prometheus-alertmanager)`;
  if (process.env['CI'] === 'true') throw new Error(`CI: ${reason}`);
  return reason;
}

function workDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'panther-alerting-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function run(tool: string, args: string[], cwd: string): { code: number; out: string } {
  const r = spawnSync(tool, args, { cwd, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** Write each host's rules and its generated unit tests; return the test files. */
function writeHostTests(dir: string, plansRules: Array<{ host: string; rules: AlertRule[]; rendered?: AlertRule[] }>): string[] {
  return plansRules.map(({ host, rules, rendered }) => {
    writeFileSync(join(dir, `rules-${host}.yml`), renderPrometheusRules(rendered ?? rules));
    writeFileSync(join(dir, `tests-${host}.yml`), toYaml(promtoolTests(rules, `rules-${host}.yml`, 'docs/ALERTS.md')));
    return `tests-${host}.yml`;
  });
}

test('promtool: the fleet\'s rules file is valid, and every rule fires past its threshold after its delay and not before', { skip: skip(['promtool']) }, async (t) => {
  const dir = workDir(t);
  const plans = await fleetPlans();
  writeFileSync(join(dir, 'rules.yml'), renderPrometheusRules(fleetRules(plans)));
  const check = run('promtool', ['check', 'rules', 'rules.yml'], dir);
  assert.equal(check.code, 0, check.out);
  assert.match(check.out, new RegExp(`SUCCESS: ${fleetRules(plans).length} rules found`));

  const files = writeHostTests(dir, plans.map((p) => ({ host: p.host, rules: hostRules(p) })));
  const unit = run('promtool', ['test', 'rules', ...files], dir);
  assert.equal(unit.code, 0, unit.out);
  assert.equal(unit.out.match(/SUCCESS/g)?.length, plans.length, unit.out);
});

test('promtool: the generated tests catch a rule whose delay or threshold drifted from the model', { skip: skip(['promtool']) }, async (t) => {
  const dir = workDir(t);
  const hetzner = (await fleetPlans()).find((p) => p.host === 'hetzner')!;
  const rules = hostRules(hetzner).filter((r) => r.id === 'disk-usage-high' || r.id === 'b2-cost-high');
  const drifted = rules.map((r) => r.id === 'disk-usage-high' ? { ...r, forMinutes: 60 }
    : { ...r, condition: { kind: 'above' as const, threshold: (r.condition as { threshold: number }).threshold - 0.01 } });
  const files = writeHostTests(dir, [{ host: 'hetzner', rules, rendered: drifted }]);
  const unit = run('promtool', ['test', 'rules', ...files], dir);
  assert.notEqual(unit.code, 0, 'promtool accepted rules that differ from the model');
  assert.match(unit.out, /PantherDiskUsageHigh, time: 1h59m/);
  assert.match(unit.out, /PantherB2CostHigh, time: 0s/);
});

/** The specification's channels, stated independently of src/alerting: what each alert must reach. */
function mustReach(config: AlertingConfig, labels: Record<string, string>): string[] {
  const out = ['email'];
  if (labels['severity'] === 'critical') {
    if (config.slack) out.push('slack');
    if (config.discord) out.push('discord');
    if (labels['host'] === 'hetzner' && config.pagerduty) out.push('pagerduty');
  }
  return out;
}

function routesFor(dir: string, labels: Record<string, string>): string[] {
  const args = ['config', 'routes', 'test', '--config.file=alertmanager.yml', ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
  const out = execFileSync('amtool', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  return out.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

for (const [name, configJson] of [
  ['every channel configured', FULL_CONFIG_JSON],
  ['e-mail only', { email: FULL_CONFIG_JSON.email }],
] as const) {
  test(`amtool: the config is valid and each alert reaches exactly its receivers (${name})`, { skip: skip(['amtool']) }, async (t) => {
    const dir = workDir(t);
    const config = name === 'e-mail only' ? parseAlertingConfig(structuredClone(configJson), 'alerting.json') : fullConfig();
    writeFileSync(join(dir, 'alertmanager.yml'), renderAlertmanager(config));
    const check = run('amtool', ['check-config', 'alertmanager.yml'], dir);
    assert.equal(check.code, 0, check.out);
    const rules = fleetRules(await fleetPlans());
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const rule of rules) {
      const labels = { alertname: rule.alert, ...ruleLabels(rule) };
      const key = `${rule.alert}/${rule.host}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const got = routesFor(dir, labels);
      const want = mustReach(config, labels);
      if (got.join(',') !== want.join(',')) problems.push(`${key} (${rule.severity}): got ${got.join(',')}, want ${want.join(',')}`);
    }
    assert.deepEqual(problems, []);
    // The cases the specification names, spelled out.
    if (name === 'every channel configured') {
      assert.deepEqual(routesFor(dir, { severity: 'critical', host: 'hetzner' }), ['email', 'slack', 'discord', 'pagerduty']);
      assert.deepEqual(routesFor(dir, { severity: 'critical', host: 'contabo' }), ['email', 'slack', 'discord']);
      assert.deepEqual(routesFor(dir, { severity: 'warning', host: 'hetzner' }), ['email']);
    } else {
      assert.deepEqual(routesFor(dir, { severity: 'critical', host: 'hetzner' }), ['email']);
    }
  });
}
