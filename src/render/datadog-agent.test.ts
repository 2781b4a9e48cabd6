import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specPlan } from '../../test/support/plans.ts';
import { renderDatadogAgent } from './datadog-agent.ts';
import { render } from './index.ts';
import { renderSystemdUnits } from './systemd.ts';

/** The bundle's files: path → parsed JSON value. */
function files(text: string): Map<string, Record<string, any>> {
  const out = new Map<string, Record<string, any>>();
  for (const part of text.split(/^# --- /m).slice(1)) {
    const [head, ...body] = part.split('\n');
    out.set(head!.replace(/ ---$/, ''), JSON.parse(body.join('\n')) as Record<string, any>);
  }
  return out;
}

test('datadog-agent: systemd check and journald logs for exactly the units render systemd writes; DogStatsD on', () => {
  const plan = specPlan('hetzner');
  const f = files(renderDatadogAgent(plan));
  const services = renderSystemdUnits(plan).map((u) => u.name).filter((n) => n.endsWith('.service'));
  assert.deepEqual([...f.keys()], ['datadog.yaml (merge these keys)', 'conf.d/systemd.d/panther.yaml', 'conf.d/journald.d/panther.yaml']);
  assert.deepEqual(f.get('datadog.yaml (merge these keys)'), { use_dogstatsd: true, logs_enabled: true });
  assert.deepEqual(f.get('conf.d/systemd.d/panther.yaml')!['instances'][0].unit_names, services);
  assert.deepEqual(f.get('conf.d/journald.d/panther.yaml')!['logs'][0].include_units, services);
});

test('datadog-agent with OpenMetrics: the check scrapes the exporter on loopback', () => {
  const f = files(render('datadog-agent', specPlan('ovh'), { datadogSource: 'openmetrics' }));
  assert.deepEqual(f.get('conf.d/openmetrics.d/panther.yaml')!['instances'][0],
    { openmetrics_endpoint: 'http://127.0.0.1:9977/metrics', namespace: 'panther', metrics: ['pantheros_.*'], tags: ['service:panther'] });
});
