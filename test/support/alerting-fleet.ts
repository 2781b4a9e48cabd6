// The five example hosts' plans (examples/inventory.json, no hardware reports) and an alerting config
// with every channel, for the alerting tests.
import { resolve } from 'node:path';
import { resolvePlanInput } from '../../src/plan/resolve.ts';
import type { StoragePlan } from '../../src/plan/types.ts';
import { parseAlertingConfig, type AlertingConfig } from '../../src/alerting/config.ts';

const EXAMPLES = resolve(import.meta.dirname, '..', '..', 'examples');
export const INVENTORY = resolve(EXAMPLES, 'inventory.json');
export const FLEET_HOSTS = ['zephyrus', 'yoga', 'hetzner', 'contabo', 'ovh'] as const;

export async function fleetPlans(): Promise<StoragePlan[]> {
  return Promise.all(FLEET_HOSTS.map(async (host) => (await resolvePlanInput({ inventory: INVENTORY, host, facter: resolve(EXAMPLES, 'facter', `${host}.json`) })).plan));
}

export const FULL_CONFIG_JSON = {
  email: { to: ['ops@example.org'], from: 'panther@example.org', smarthost: 'smtp.example.org:587', authUsername: 'panther', authPasswordFile: '/run/agenix/smtp-password' },
  slack: { webhookUrlFile: '/run/agenix/slack-webhook', channel: '#alerts' },
  discord: { slackCompatibleWebhookUrlFile: '/run/agenix/discord-webhook' },
  pagerduty: { routingKeyFile: '/run/agenix/pagerduty-key', hosts: ['hetzner'] },
  datadog: { all: ['@ops@example.org'], critical: ['@slack-alerts', '@webhook-discord'], pagerduty: ['@pagerduty-hetzner'] },
};

export function fullConfig(): AlertingConfig {
  return parseAlertingConfig(structuredClone(FULL_CONFIG_JSON), 'alerting.json');
}
