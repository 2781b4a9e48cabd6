import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PantherError } from '../core/errors.ts';
import { FULL_CONFIG_JSON } from '../../test/support/alerting-fleet.ts';
import { alertmanagerConfig, expectedReceivers } from './alertmanager.ts';
import { parseAlertingConfig } from './config.ts';
import { toYaml } from './yaml.ts';

function refused(json: unknown): PantherError {
  try { parseAlertingConfig(json, 'alerting.json'); } catch (e) { assert.ok(e instanceof PantherError); return e; }
  assert.fail('accepted');
}

test('the alerting config takes secrets only by absolute file path, and says what is wrong where', () => {
  const inline = refused({ ...FULL_CONFIG_JSON, slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/X', channel: '#a' } });
  assert.equal(inline.code, 'alerting-config-invalid');
  assert.match(inline.message, /slack/);
  assert.match(inline.message, /webhookUrl/);
  const relative = refused({ ...FULL_CONFIG_JSON, pagerduty: { routingKeyFile: 'pd-key', hosts: ['hetzner'] } });
  assert.match(relative.message, /pagerduty\.routingKeyFile.*not an absolute path/);
  assert.match(refused({ email: { ...FULL_CONFIG_JSON.email, to: [] } }).message, /email\.to/);
  assert.match(refused({ ...FULL_CONFIG_JSON, datadog: { all: ['ops@example.org'] } }).message, /not a Datadog @-handle/);
  assert.match(refused({ ...FULL_CONFIG_JSON, pagerduty: { routingKeyFile: '/k', hosts: ['Hetzner Prod'] } }).message, /not a host name/);
  assert.match(refused({}).message, /email/);
});

test('the rendered Alertmanager config names secret files, never a secret, and routes as the specification says', () => {
  const config = parseAlertingConfig(structuredClone(FULL_CONFIG_JSON), 'alerting.json');
  const text = toYaml(alertmanagerConfig(config));
  for (const field of ['auth_password_file', 'api_url_file', 'routing_key_file']) assert.match(text, new RegExp(`${field}: "/run/agenix/`));
  assert.doesNotMatch(text, /\b(api_url|routing_key|auth_password|webhook_url|service_key):/);
  assert.deepEqual(expectedReceivers(config, { severity: 'critical', host: 'hetzner' }), ['email', 'slack', 'discord', 'pagerduty']);
  assert.deepEqual(expectedReceivers(config, { severity: 'critical', host: 'ovh' }), ['email', 'slack', 'discord']);
  assert.deepEqual(expectedReceivers(config, { severity: 'warning', host: 'hetzner' }), ['email']);
});

test('YAML strings cannot become other types or documents', () => {
  assert.equal(toYaml({ a: 'yes', b: 'x: y\n---', c: 'q"x', d: "it's \"q\"" }), 'a: "yes"\nb: "x: y\\n---"\nc: \'q"x\'\nd: \'it\'\'s "q"\'\n');
});
