// `panther alerts render alertmanager`: the specification's channels as Alertmanager routes. Email gets
// every alert; Slack and Discord the critical ones; PagerDuty the critical ones of the hosts the config
// names (the specification: Hetzner production). Receivers come from the alerting config only, and
// every secret by file (`*_file`), so the rendered config can be committed.
import type { AlertingConfig } from './config.ts';
import { toYaml, type YamlValue } from './yaml.ts';

export const RECEIVERS = ['email', 'slack', 'discord', 'pagerduty'] as const;
export type ReceiverName = (typeof RECEIVERS)[number];

/** Which receivers an alert with these labels reaches: the routing rule the config below implements. */
export function expectedReceivers(config: AlertingConfig, labels: { severity: string; host: string }): ReceiverName[] {
  const out: ReceiverName[] = ['email'];
  if (labels.severity !== 'critical') return out;
  if (config.slack !== undefined) out.push('slack');
  if (config.discord !== undefined) out.push('discord');
  if (config.pagerduty?.hosts.includes(labels.host) === true) out.push('pagerduty');
  return out;
}

function regexAlternatives(values: readonly string[]): string {
  // Host names are [a-z0-9-], nothing to escape; anchored by Alertmanager itself.
  return values.join('|');
}

export function alertmanagerConfig(config: AlertingConfig): YamlValue {
  const { email } = config;
  const receivers: YamlValue[] = [{
    name: 'email',
    email_configs: email.to.map((to) => ({
      to, from: email.from, smarthost: email.smarthost,
      auth_username: email.authUsername, auth_password_file: email.authPasswordFile,
      require_tls: email.requireTls, send_resolved: true,
    })),
  }];
  const routes: YamlValue[] = [{ receiver: 'email', continue: true }];
  if (config.slack !== undefined) {
    receivers.push({ name: 'slack', slack_configs: [{ api_url_file: config.slack.webhookUrlFile, channel: config.slack.channel, send_resolved: true }] });
    routes.push({ receiver: 'slack', matchers: ['severity="critical"'], continue: true });
  }
  if (config.discord !== undefined) {
    receivers.push({ name: 'discord', slack_configs: [{ api_url_file: config.discord.slackCompatibleWebhookUrlFile, send_resolved: true }] });
    routes.push({ receiver: 'discord', matchers: ['severity="critical"'], continue: true });
  }
  if (config.pagerduty !== undefined) {
    receivers.push({ name: 'pagerduty', pagerduty_configs: [{ routing_key_file: config.pagerduty.routingKeyFile, send_resolved: true }] });
    routes.push({ receiver: 'pagerduty', matchers: ['severity="critical"', `host=~"${regexAlternatives(config.pagerduty.hosts)}"`], continue: true });
  }
  return {
    route: {
      receiver: 'email',
      group_by: ['alertname', 'host'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes,
    },
    receivers,
  };
}

export function renderAlertmanager(config: AlertingConfig): string {
  return toYaml(alertmanagerConfig(config), 'Panther Alertmanager routes, rendered by `panther alerts render alertmanager` from the alerting config.\nSecrets are read from the *_file paths at run time; none is in this file.');
}
