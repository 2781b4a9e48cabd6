// Where DogStatsD datagrams go, from the environment as Datadog's libraries read it. Pure, so
// `panther doctor` can report a broken metrics configuration without sending anything.
import { parseDdTags } from './tags.ts';

export interface DogStatsdConfig {
  /** false: PANTHER_METRICS=off, or the configuration is broken (`problem`). */
  enabled: boolean;
  host: string;
  port: number;
  /** DD_TAGS, added to every metric. */
  globalTags: string[];
  /** What is wrong with the configuration, for `panther doctor`; null when nothing is. */
  problem: string | null;
}

export const DEFAULT_AGENT_HOST = '127.0.0.1';
export const DEFAULT_DOGSTATSD_PORT = 8125;
const OFF = new Set(['off', '0', 'false', 'no']);
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$|^[0-9a-fA-F:]+$/;

type Env = Readonly<Record<string, string | undefined>>;

export function metricsDisabled(env: Env = process.env): boolean {
  return OFF.has((env['PANTHER_METRICS'] ?? '').trim().toLowerCase());
}

export function dogstatsdConfig(env: Env = process.env): DogStatsdConfig {
  const host = (env['DD_AGENT_HOST'] ?? '').trim() || DEFAULT_AGENT_HOST;
  const portText = (env['DD_DOGSTATSD_PORT'] ?? '').trim();
  const port = portText === '' ? DEFAULT_DOGSTATSD_PORT : Number(portText);
  const globalTags = parseDdTags(env['DD_TAGS']);
  let problem: string | null = null;
  if (!HOST.test(host)) problem = `DD_AGENT_HOST is not a host name or address: ${JSON.stringify(host.slice(0, 80))}`;
  else if (!/^\d+$/.test(portText || '0') || !Number.isInteger(port) || port < 1 || port > 65535) problem = `DD_DOGSTATSD_PORT is not a port number (1-65535): ${JSON.stringify(portText.slice(0, 20))}`;
  return { enabled: problem === null && !metricsDisabled(env), host, port: problem === null ? port : DEFAULT_DOGSTATSD_PORT, globalTags, problem };
}
