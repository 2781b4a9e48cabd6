// `panther alerts render`: the fleet's plans and the alerting config from files, errors for what is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli.ts';
import { fleetPlans, FULL_CONFIG_JSON } from './support/alerting-fleet.ts';

const dir = mkdtempSync(join(tmpdir(), 'panther-alerts-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const plans = await fleetPlans();
const planFile = (host: string): string => join(dir, `${host}.json`);
for (const p of plans) writeFileSync(planFile(p.host), JSON.stringify(p));
const configFile = join(dir, 'alerting.json');
writeFileSync(configFile, JSON.stringify(FULL_CONFIG_JSON));

test('prometheus-rules over two plans: one group per host, each with its own RPO threshold', async () => {
  const r = await runCli('alerts', 'render', 'prometheus-rules', '--plan', planFile('hetzner'), '--plan', planFile('zephyrus'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /name: "panther-hetzner"/);
  assert.match(r.stdout, /name: "panther-zephyrus"/);
  assert.match(r.stdout, /pantheros_snapshot_rpo_age\{host="hetzner"\} > 0.25/);
  assert.match(r.stdout, /pantheros_snapshot_rpo_age\{host="zephyrus"\} > 1'/);
});

test('alertmanager and datadog-monitors read the alerting config; --out writes the file', async () => {
  const out = join(dir, 'am.yml');
  const r = await runCli('alerts', 'render', 'alertmanager', '--alerting', configFile, '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(readFileSync(out, 'utf8'), /routing_key_file: "\/run\/agenix\/pagerduty-key"/);
  const m = await runCli('alerts', 'render', 'datadog-monitors', '--alerting', configFile, '--plan', planFile('hetzner'));
  assert.equal(m.code, 0, m.stderr);
  const monitors = JSON.parse(m.stdout) as Array<{ name: string; message: string }>;
  assert.ok(monitors.some((x) => x.name === '[critical] PantherDiskUsageHigh on hetzner' && x.message.includes('@pagerduty-hetzner')));
});

test('missing inputs, a bad config and a host given twice are usage errors that say what to pass', async () => {
  const noConfig = await runCli('alerts', 'render', 'datadog-monitors', '--plan', planFile('ovh'));
  assert.equal(noConfig.code, 2);
  assert.match(noConfig.stderr, /needs the alerting config/);
  const noPlan = await runCli('alerts', 'render', 'prometheus-rules');
  assert.equal(noPlan.code, 2);
  assert.match(noPlan.stderr, /--plan FILE once per host/);
  const twice = await runCli('alerts', 'render', 'prometheus-rules', '--plan', planFile('ovh'), '--plan', planFile('ovh'));
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /two plans are for host ovh/);
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ ...FULL_CONFIG_JSON, slack: { webhookUrl: 'https://hooks.example/x', channel: '#a' } }));
  const invalid = await runCli('alerts', 'render', 'alertmanager', '--alerting', bad);
  assert.equal(invalid.code, 1);
  assert.match(invalid.stderr, /alerting-config-invalid|an alerting config/);
  assert.doesNotMatch(invalid.stderr, /\n\s+at /, 'no stack trace');
  const kind = await runCli('alerts', 'render', 'nagios');
  assert.equal(kind.code, 2);
});

test('the dashboards need no input', async () => {
  for (const kind of ['datadog-dashboard', 'grafana-dashboard']) {
    const r = await runCli('alerts', 'render', kind);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { title: string }).title, 'Panther Storage');
  }
});
