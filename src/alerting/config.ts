// The alerting config (`--alerting FILE`): who is told, never how much the secrets are. Receivers of the
// Alertmanager config and the @-handles of the Datadog monitors come from here and only here; secrets
// (SMTP password, Slack/Discord webhook URLs, PagerDuty routing keys) are named by the file that holds
// them (Alertmanager's `*_file` fields), so neither this file nor the rendered config carries one.
import { z } from 'zod';
import { parseWithSchema, text } from '../core/schema.ts';

const absolute = (what: string) => text(`an absolute path to ${what}`)
  .refine((p) => p.startsWith('/'), { error: (i) => `${JSON.stringify(i.input)} is not an absolute path; expected an absolute path to ${what}` });
const address = text('an e-mail address').refine((a) => /^[^\s@]+@[^\s@]+$/.test(a), { error: (i) => `${JSON.stringify(i.input)} is not an e-mail address` });
const handle = text('a Datadog @-handle such as "@ops@example.org" or "@slack-alerts"')
  .refine((h) => /^@[^\s]+$/.test(h), { error: (i) => `${JSON.stringify(i.input)} is not a Datadog @-handle (it starts with @ and has no spaces)` });
const hostName = text('a host name').refine((h) => /^[a-z0-9][a-z0-9-]{0,62}$/.test(h), { error: (i) => `${JSON.stringify(i.input)} is not a host name (lower-case letters, digits, dashes)` });

export const alertingConfigSchema = z.strictObject({
  $comment: z.string().optional(),
  /** Every alert (the specification: "Email for all alerts"). */
  email: z.strictObject({
    to: z.array(address).min(1),
    from: address,
    /** "host:port" of the SMTP relay. */
    smarthost: text('"host:port" of the SMTP relay').refine((s) => /^[^\s:]+:\d+$/.test(s), { error: (i) => `${JSON.stringify(i.input)} is not "host:port"` }),
    authUsername: text('the SMTP user name').optional(),
    authPasswordFile: absolute('the file holding the SMTP password').optional(),
    requireTls: z.boolean().optional(),
  }),
  /** Critical alerts. The file holds the incoming-webhook URL. */
  slack: z.strictObject({ webhookUrlFile: absolute('the file holding the Slack webhook URL'), channel: text('a Slack channel such as "#alerts"') }).optional(),
  /**
   * Critical alerts, through Discord's Slack-compatible webhook: the file holds the Discord webhook URL
   * with "/slack" appended (Alertmanager 0.25 has no discord webhook_url_file; this keeps the URL out).
   */
  discord: z.strictObject({ slackCompatibleWebhookUrlFile: absolute('the file holding the Discord webhook URL ending in /slack') }).optional(),
  /** Critical alerts of these hosts only (the specification: PagerDuty for Hetzner production). */
  pagerduty: z.strictObject({ routingKeyFile: absolute('the file holding the PagerDuty Events v2 routing key'), hosts: z.array(hostName).min(1) }).optional(),
  /** @-handles written into each Datadog monitor's message, by who gets what. */
  datadog: z.strictObject({
    all: z.array(handle).min(1),
    critical: z.array(handle).default([]),
    pagerduty: z.array(handle).default([]),
  }).optional(),
  /** Prefix of the runbook links in alerts: `<runbookUrl>#<rule id>` (docs/ALERTS.md by default). */
  runbookUrl: text('a URL').optional(),
});

export type AlertingConfig = z.output<typeof alertingConfigSchema>;

export function parseAlertingConfig(json: unknown, source: string): AlertingConfig {
  return parseWithSchema(alertingConfigSchema, json, source, {
    code: 'alerting-config-invalid', what: 'an alerting config',
    hint: 'fix the value(s) listed; docs/ALERTS.md "The alerting config" shows every field',
  });
}
