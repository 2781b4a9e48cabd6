// The exporter's HTTP edge: GET /metrics (the Prometheus text format) and GET /healthz, nothing else.
// Figures are computed at scrape time but at most once per `cacheMs`, and concurrent scrapes share one
// computation, so a scrape storm costs one collection. Requests are bounded: no body is read, headers
// and requests time out, connections are capped.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { PantherError } from '../../core/errors.ts';
import { renderExposition, type Exposition, type Series } from '../exporter.ts';
import type { ListenAddress } from './listen.ts';

export interface ExporterOptions {
  listen: ListenAddress;
  host: string;
  /** Every series at this moment: the collector's gauges and the runs' counters and last gauges. */
  collect: () => Promise<Series[]>;
  cacheMs: number;
  log: (line: string) => void;
}

export interface RunningExporter {
  /** "http://127.0.0.1:9977" (the port actually bound, when 0 was asked for). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export const MAX_CONNECTIONS = 64;

function listenError(error: NodeJS.ErrnoException, listen: ListenAddress): PantherError {
  const where = `${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${listen.port}`;
  if (error.code === 'EADDRINUSE') {
    return new PantherError('metrics-port-in-use', `cannot serve /metrics on ${where}: the port is in use`, {
      subject: where, hint: `another process listens there (\`ss -ltnp 'sport = :${listen.port}'\` names it); stop it, or choose another port with --listen ${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:PORT`,
    });
  }
  return new PantherError('metrics-listen-failed', `cannot serve /metrics on ${where}: ${error.code ?? error.message}`, {
    subject: where, hint: error.code === 'EADDRNOTAVAIL' ? 'no interface of this machine has that address; use 127.0.0.1' : 'choose another address or port with --listen',
  });
}

/**
 * The exposition at most once per `cacheMs`, concurrent callers sharing one computation: what
 * `metrics serve` and `panther serve` answer /metrics with.
 */
export function cachedExposition(o: Pick<ExporterOptions, 'host' | 'collect' | 'cacheMs' | 'log'>): () => Promise<Exposition> {
  let cached: { at: number; exposition: Exposition } | null = null;
  let inflight: Promise<Exposition> | null = null;
  return () => {
    if (cached !== null && Date.now() - cached.at < o.cacheMs) return Promise.resolve(cached.exposition);
    inflight ??= (async () => {
      try {
        const e = await renderExposition(o.host, await o.collect());
        for (const r of e.rejected) o.log(`metrics: left out ${r.series.name}: ${r.why}`);
        cached = { at: Date.now(), exposition: e };
        return e;
      } finally {
        inflight = null;
      }
    })();
    return inflight;
  };
}

export async function startExporter(o: ExporterOptions): Promise<RunningExporter> {
  const exposition = cachedExposition(o);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    req.resume(); // never read a body into memory
    const path = (req.url ?? '').split('?')[0];
    const head = req.method === 'HEAD';
    if ((req.method === 'GET' || head) && path === '/metrics') {
      try {
        const e = await exposition();
        res.writeHead(200, { 'content-type': e.contentType, 'cache-control': 'no-store' });
        res.end(head ? undefined : e.text);
      } catch (error) {
        o.log(`metrics: collection failed: ${error instanceof Error ? error.message : String(error)}`);
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(head ? undefined : 'collection failed; see the exporter\'s log\n');
      }
      return;
    }
    if ((req.method === 'GET' || head) && path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(head ? undefined : 'ok\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found: only GET /metrics and GET /healthz\n');
  };

  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000, maxHeaderSize: 8192 }, (req, res) => { void handle(req, res); });
  server.maxConnections = MAX_CONNECTIONS;
  server.maxHeadersCount = 64;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, o.listen)));
    server.listen(o.listen.port, o.listen.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : o.listen.port;
  const hostPart = o.listen.host.includes(':') ? `[${o.listen.host}]` : o.listen.host;
  return {
    url: `http://${hostPart}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
