// A minimal DogStatsD sender for the collector's gauges (hot-shots over UDP, fire-and-forget): the
// run counters' client (src/metrics/dogstatsd.ts) is built beside this; once it is there this file
// should become a call to it. Where to send follows Datadog's conventions: DD_AGENT_HOST (default
// 127.0.0.1), DD_DOGSTATSD_PORT (default 8125), DD_TAGS "k:v,k:v" on every metric; PANTHER_METRICS=off
// sends nothing.
import { PantherError } from '../../core/errors.ts';

export interface DogStatsdTarget {
  host: string;
  port: number;
  /** "k:v" tags added to every metric. */
  tags: string[];
}

export interface SendSeries {
  name: string;
  tags: Record<string, string>;
  value: number;
}

/** null when metrics are off. Throws metrics-config-invalid for a port or tag it cannot use. */
export function dogstatsdTarget(env: Record<string, string | undefined>): DogStatsdTarget | null {
  if ((env['PANTHER_METRICS'] ?? '').toLowerCase() === 'off') return null;
  const portText = env['DD_DOGSTATSD_PORT'] ?? '8125';
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new PantherError('metrics-config-invalid', `DD_DOGSTATSD_PORT is "${portText.slice(0, 40)}", not a port number`, {
      hint: 'set DD_DOGSTATSD_PORT to the agent\'s DogStatsD port (1-65535, default 8125), or PANTHER_METRICS=off to send nothing',
    });
  }
  const host = (env['DD_AGENT_HOST'] ?? '').trim() || '127.0.0.1';
  const tags = (env['DD_TAGS'] ?? '').split(/[,\s]+/).filter((t) => t !== '').map(cleanTag);
  return { host, port, tags };
}

/** DogStatsD separates fields with | , # and lines with \n: none may appear in a tag. */
export function cleanTag(text: string): string {
  return text.replace(/[|,#\n\r]/g, '_');
}

export function tagList(tags: Record<string, string>): string[] {
  return Object.entries(tags).map(([k, v]) => `${cleanTag(k)}:${cleanTag(v)}`);
}

/**
 * Sends every series as a gauge and waits (at most `waitMs`) for the datagrams to leave. Never throws:
 * an agent that is down costs the metrics, not the caller; returns how many could not be sent.
 */
export async function sendGauges(target: DogStatsdTarget, series: readonly SendSeries[], waitMs = 2000): Promise<number> {
  const { StatsD } = await import('hot-shots');
  let failed = 0;
  const client = new StatsD({
    host: target.host, port: target.port, protocol: 'udp', globalTags: target.tags,
    includeDataDogTags: false, includeDatadogTelemetry: false, originDetection: false, maxBufferSize: 1400, bufferFlushInterval: 100,
    errorHandler: () => { failed += 1; },
  });
  for (const s of series) client.gauge(s.name, s.value, tagList(s.tags));
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    client.close(() => { clearTimeout(timer); resolve(); });
  });
  return Math.min(failed, series.length);
}
