import { ExitCode, PantherError } from '../../core/errors.ts';
import { collectorOf } from '../metrics-context.ts';
import { dogstatsdConfig } from '../../metrics/dogstatsd-config.ts';
import { DogStatsdSender } from '../../metrics/dogstatsd.ts';
import type { MetricEvent } from '../../metrics/events.ts';
import type { Series } from '../../metrics/exporter.ts';
import { emit, type Command } from '../command.ts';
import { timeFlag } from '../flags.ts';
import { metricsCollectInfo } from './metrics-collect.meta.ts';

export function formatSeries(series: readonly Series[]): string {
  if (series.length === 0) return 'no figures could be read';
  const rows = series.map((s) => [s.name, Object.entries(s.tags).map(([k, v]) => `${k}=${v}`).join(','), String(Number(s.value.toFixed(3)))] as const);
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return rows.map((r) => `${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`).join('\n');
}

export const metricsCollect: Command = {
  ...metricsCollectInfo,
  async run(values, _positionals, io) {
    // A broken DD_* setting is refused before any work: a timer that sends nowhere helps no one.
    const config = dogstatsdConfig(process.env);
    if (config.problem !== null) {
      throw new PantherError('metrics-config-invalid', config.problem, {
        hint: 'set DD_AGENT_HOST / DD_DOGSTATSD_PORT to the Datadog agent (default 127.0.0.1:8125), or PANTHER_METRICS=off to send nothing',
      });
    }
    const fixed = timeFlag(values, 'now');
    const { collector } = await collectorOf(values, io, () => fixed ?? new Date().toISOString(), 0);
    const series = await collector.gauges();
    let sent: { to: string; failed: number } | null = null;
    if (config.enabled) {
      const sender = new DogStatsdSender(config);
      // The collector's series carry catalog names and tags (gauges.ts builds them from the catalog).
      sender.send(series as unknown as readonly MetricEvent[]);
      const { dropped } = await sender.close(2000);
      sent = { to: `${config.host}:${config.port}`, failed: dropped };
      if (dropped > 0) io.err(`metrics: ${dropped} of ${series.length} gauges could not be sent to ${sent.to} (is the Datadog agent running?)`);
    }
    emit(io, { gauges: series, sent }, () => formatSeries(series));
    return ExitCode.ok;
  },
};
