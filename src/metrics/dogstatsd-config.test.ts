import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dogstatsdConfig } from './dogstatsd-config.ts';

test('defaults: the local agent on 8125, no global tags, enabled', () => {
  assert.deepEqual(dogstatsdConfig({}), { enabled: true, host: '127.0.0.1', port: 8125, globalTags: [], problem: null });
});

test('DD_AGENT_HOST, DD_DOGSTATSD_PORT and DD_TAGS are honoured', () => {
  const c = dogstatsdConfig({ DD_AGENT_HOST: 'datadog-agent', DD_DOGSTATSD_PORT: '9125', DD_TAGS: 'env:prod team:ops' });
  assert.deepEqual(c, { enabled: true, host: 'datadog-agent', port: 9125, globalTags: ['env:prod', 'team:ops'], problem: null });
});

test('PANTHER_METRICS=off disables sending', () => {
  for (const v of ['off', 'OFF', '0', 'false', 'no']) assert.equal(dogstatsdConfig({ PANTHER_METRICS: v }).enabled, false, v);
  assert.equal(dogstatsdConfig({ PANTHER_METRICS: 'on' }).enabled, true);
});

test('a broken port or host disables sending and says what is wrong', () => {
  for (const port of ['0', '70000', 'abc', '81.5', '-1']) {
    const c = dogstatsdConfig({ DD_DOGSTATSD_PORT: port });
    assert.equal(c.enabled, false, port);
    assert.match(c.problem!, /DD_DOGSTATSD_PORT/);
  }
  const h = dogstatsdConfig({ DD_AGENT_HOST: 'a b|c' });
  assert.equal(h.enabled, false);
  assert.match(h.problem!, /DD_AGENT_HOST/);
});
