// `panther serve`: what --help and routing need, cheap to load; ./serve.ts runs it.
import type { CommandInfo } from '../command.ts';
import { METRICS_COLLECT_HELP, METRICS_COLLECT_OPTIONS } from '../metrics-options.ts';
import { DEFAULT_LOCK } from '../options.ts';

export const serveInfo: CommandInfo = {
  name: 'serve',
  summary: 'serve the host\'s status API (/api/v1/…, OpenAPI document, /metrics) over HTTP, on loopback by default',
  usage: 'panther serve [--listen HOST:PORT] [--allow-remote] [--read-token-file FILE] [--admin-token-file FILE] [--plan FILE] [--root DIR] [--state-dir DIR] [--lock FILE] [--rate-limit N] [--trust-proxy] [--fleet FILE] [--fleet-token-file FILE] [--snapshot-sizes]',
  help: `  --listen HOST:PORT      where to listen (default 127.0.0.1:9720; an IP address, [::1]:PORT for IPv6)
  --allow-remote          allow a non-loopback address (put Caddy in front instead where you can)
  --read-token-file FILE  the token the read routes need (default $PANTHER_READ_TOKEN_FILE)
  --admin-token-file FILE the token the state-changing routes need; it may read too
                          (default $PANTHER_ADMIN_TOKEN_FILE; without it the API is read-only)
${METRICS_COLLECT_HELP}
  --lock FILE             the host lock changes take, as the CLI does (default ${DEFAULT_LOCK})
  --rate-limit N          requests per minute per client address (default 600)
  --trust-proxy           a reverse proxy on this machine (Caddy) forwards the clients: count them by
                          the address it appends to X-Forwarded-For (only from a loopback peer)
  --fleet FILE            the fleet view's hosts: { "host": "http(s)://its-api:9720", … } (GET /api/v1/fleet
                          asks each one's /api/v1/status at most every 30 s; the last answers are kept
                          in <state dir>/fleet-<host>.json)
  --fleet-token-file FILE the read token sent to the fleet hosts (default: --read-token-file's)

Token files hold one token on one line (openssl rand -hex 32); one any user may read is refused.
Clients send Authorization: Bearer TOKEN; state-changing requests also send X-Panther-CSRF with the
value GET /api/v1/session answers. GET /api/v1/openapi.json describes every route. Every 5 minutes
the collector's gauges go into the host's history (<state dir>/history-<host>.sqlite). Runs until
SIGTERM or SIGINT, then closes its connections and exits 0.`,
  options: {
    ...METRICS_COLLECT_OPTIONS, listen: { type: 'string' }, 'allow-remote': { type: 'boolean' },
    'read-token-file': { type: 'string' }, 'admin-token-file': { type: 'string' }, lock: { type: 'string' }, 'rate-limit': { type: 'string' }, 'trust-proxy': { type: 'boolean' },
    fleet: { type: 'string' }, 'fleet-token-file': { type: 'string' },
  },
};
