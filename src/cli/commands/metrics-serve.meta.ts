// `panther metrics serve`: what --help and routing need, cheap to load; ./metrics-serve.ts runs it.
import type { CommandInfo } from '../command.ts';
import { METRICS_COLLECT_HELP, METRICS_COLLECT_OPTIONS } from '../metrics-options.ts';

export const metricsServeInfo: CommandInfo = {
  name: 'metrics serve',
  summary: 'serve every metric on /metrics in the Prometheus text format (a long-running exporter)',
  usage: 'panther metrics serve [--listen HOST:PORT] [--allow-remote] [--plan FILE] [--root DIR] [--state-dir DIR] [--cache SECONDS] [--snapshot-sizes] [--sizes-every SECONDS]',
  help: `  --listen HOST:PORT    where to listen (default 127.0.0.1:9977; an IP address, [::1]:PORT for IPv6)
  --allow-remote        allow a non-loopback address (/metrics has no authentication: firewall it)
${METRICS_COLLECT_HELP}
  --cache SECONDS       reuse the figures this long between scrapes (default 5)
  --sizes-every SECONDS measure snapshot sizes at most this often (default 3600)

Serves GET /metrics (every metric of docs/METRICS.md under its Prometheus name: counters from the
runs' counters file as cumulative totals, gauges read at scrape time) and GET /healthz; anything
else is 404. Runs until SIGTERM or SIGINT, then closes its connections and exits 0.`,
  options: {
    ...METRICS_COLLECT_OPTIONS, listen: { type: 'string' }, 'allow-remote': { type: 'boolean' },
    cache: { type: 'string' }, 'sizes-every': { type: 'string' },
  },
};
