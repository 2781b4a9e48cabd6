import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countersFileFindings, metricsConfigFindings } from './metrics-findings.ts';

test('metrics config: nothing when the defaults or a valid agent are used', () => {
  assert.deepEqual(metricsConfigFindings({}), []);
  assert.deepEqual(metricsConfigFindings({ DD_AGENT_HOST: 'agent.internal', DD_DOGSTATSD_PORT: '9125', DD_TAGS: 'env:prod' }), []);
});

test('metrics config: a port or host the client cannot use is a warning that says nothing is sent', () => {
  for (const env of [{ DD_DOGSTATSD_PORT: '81x' }, { DD_DOGSTATSD_PORT: '70000' }, { DD_AGENT_HOST: 'bad host;rm' }]) {
    const [f] = metricsConfigFindings(env);
    assert.equal(f?.id, 'metrics-config', JSON.stringify(env));
    assert.equal(f.severity, 'warning');
    assert.match(f.found, /no metric is sent/);
  }
});

test('metrics config: PANTHER_METRICS=off is an info, not a warning', () => {
  assert.deepEqual(metricsConfigFindings({ PANTHER_METRICS: 'off' }).map((f) => [f.id, f.severity]), [['metrics-off', 'info']]);
});

test('counters file: none yet is fine; a damaged one is a warning naming the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'panther-metrics-doctor-'));
  try {
    assert.deepEqual(await countersFileFindings(dir, 'hetzner'), []);
    await writeFile(join(dir, 'metrics-hetzner.json'), '{"formatVersion": 1, "host": "hetzner", "counters": "no"');
    const [f] = await countersFileFindings(dir, 'hetzner');
    assert.equal(f?.id, 'metrics-counters-damaged');
    assert.equal(f.subject, 'metrics-hetzner.json');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('panther doctor reports a broken DD_DOGSTATSD_PORT (end to end, on this machine\'s root)', async () => {
  const { runCli } = await import('../../test/support/cli.ts');
  const saved = process.env['DD_DOGSTATSD_PORT'];
  process.env['DD_DOGSTATSD_PORT'] = 'bad';
  try {
    const r = await runCli('doctor', '--json');
    const findings = (r.json() as { findings: Array<{ id: string; severity: string }> }).findings;
    assert.ok(findings.some((f) => f.id === 'metrics-config' && f.severity === 'warning'), JSON.stringify(findings));
  } finally {
    if (saved === undefined) delete process.env['DD_DOGSTATSD_PORT']; else process.env['DD_DOGSTATSD_PORT'] = saved;
  }
});
