import { ExitCode } from '../../core/errors.ts';
import { parseListen, DEFAULT_LISTEN } from '../../metrics/collect/listen.ts';
import { startExporter } from '../../metrics/collect/serve.ts';
import { flag, str, type Command } from '../command.ts';
import { secondsFlag } from '../flags.ts';
import { collectorOf } from '../metrics-context.ts';
import { metricsServeInfo } from './metrics-serve.meta.ts';

export const metricsServe: Command = {
  ...metricsServeInfo,
  async run(values, _positionals, io) {
    const listen = parseListen(str(values, 'listen') ?? DEFAULT_LISTEN, flag(values, 'allow-remote'));
    const cacheMs = secondsFlag(values, 'cache', 5);
    const sizesEveryMs = secondsFlag(values, 'sizes-every', 3600);
    const { host, collector } = await collectorOf(values, io, () => new Date().toISOString(), sizesEveryMs);
    const exporter = await startExporter({ listen, host, collect: collector.all, cacheMs, log: (l) => io.err(l) });
    io.err(`serving ${exporter.url}/metrics for ${host}${listen.loopback ? '' : ' (remote access allowed)'}; SIGTERM stops it`);
    const signal = await new Promise<string>((resolve) => {
      for (const s of ['SIGTERM', 'SIGINT'] as const) process.once(s, () => resolve(s));
    });
    await exporter.close();
    io.err(`stopped by ${signal}`);
    return ExitCode.ok;
  },
};
