// `panther serve`'s HTTP edge: the Hono app on Node's HTTP server, bound to loopback unless the
// caller allowed otherwise. Headers, requests and idle connections time out; connections are capped.
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { ExitCode, PantherError } from '../core/errors.ts';
import { isLoopback, parseListen, type ListenAddress } from '../metrics/collect/listen.ts';
import { buildApp } from './app.ts';
import { authenticator, checkTokens, type Tokens } from './auth.ts';
import { MAX_BODY_BYTES } from './body.ts';
import { rateLimiter } from './rate-limit.ts';
import type { ServeContext } from './route.ts';
import { ROUTES } from './routes.ts';
import { loadWebAssets } from './web.ts';

export { DEFAULT_SERVE_LISTEN } from '../core/defaults.ts';
export const DEFAULT_RATE_PER_MINUTE = 600;
export const MAX_CONNECTIONS = 64;

/** `--listen` for the API: an IP address and port; a non-loopback address only with allowRemote. */
export function serveListen(text: string, allowRemote: boolean): ListenAddress {
  const listen = parseListen(text, true);
  if (!isLoopback(listen.host) && !allowRemote) {
    throw new PantherError('serve-listen-remote', `refusing to serve the API on ${listen.host}: it is not a loopback address`, {
      exitCode: ExitCode.usage, hint: 'put a reverse proxy (Caddy) on this host in front of 127.0.0.1, or add --allow-remote if a VPN or firewall guards the port',
    });
  }
  return listen;
}

export interface ServeOptions {
  ctx: ServeContext;
  listen: ListenAddress;
  tokens: Tokens;
  ratePerMinute?: number;
  maxBodyBytes?: number;
  trustProxy?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function where(listen: ListenAddress): string {
  return `${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${listen.port}`;
}

export async function startServe(o: ServeOptions): Promise<RunningServer> {
  checkTokens(o.tokens);
  const app = buildApp({
    ctx: o.ctx, routes: ROUTES, auth: authenticator(o.tokens),
    limiter: rateLimiter(o.ratePerMinute ?? DEFAULT_RATE_PER_MINUTE), maxBodyBytes: o.maxBodyBytes ?? MAX_BODY_BYTES, trustProxy: o.trustProxy ?? false,
    web: loadWebAssets(),
  });
  const server = createAdaptorServer({
    fetch: app.fetch,
    serverOptions: { requestTimeout: 60_000, headersTimeout: 10_000, keepAliveTimeout: 5_000, maxHeaderSize: 16_384 },
  }) as Server;
  server.maxConnections = MAX_CONNECTIONS;
  server.maxHeadersCount = 64;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const at = where(o.listen);
      reject(error.code === 'EADDRINUSE'
        ? new PantherError('serve-port-in-use', `cannot serve the API on ${at}: the port is in use`, { subject: at, hint: `\`ss -ltnp 'sport = :${o.listen.port}'\` names the process; stop it or choose another --listen` })
        : new PantherError('serve-listen-failed', `cannot serve the API on ${at}: ${error.code ?? error.message}`, { subject: at, hint: 'choose another address or port with --listen' }));
    });
    server.listen(o.listen.port, o.listen.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : o.listen.port;
  return {
    url: `http://${where({ ...o.listen, port })}`,
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
