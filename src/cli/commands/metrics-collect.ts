import { ExitCode } from '../../core/errors.ts';
import { collectorOf } from '../metrics-context.ts';
import { dogstatsdTarget, sendGauges } from '../../metrics/collect/send.ts';
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
    const target = dogstatsdTarget(process.env); // a broken DD_* setting is refused before any work
    const fixed = timeFlag(values, 'now');
    const { collector } = await collectorOf(values, io, () => fixed ?? new Date().toISOString(), 0);
    const series = await collector.gauges();
    let sent: { to: string; failed: number } | null = null;
    if (target !== null) {
      const failed = await sendGauges(target, series);
      sent = { to: `${target.host}:${target.port}`, failed };
      if (failed > 0) io.err(`metrics: ${failed} of ${series.length} gauges could not be sent to ${sent.to} (is the Datadog agent running?)`);
    }
    emit(io, { gauges: series, sent }, () => formatSeries(series));
    return ExitCode.ok;
  },
};
