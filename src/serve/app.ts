// The Hono application: every route of the table behind the same gates, in this order: the rate
// limit (429), the token (401, 403), for state-changing routes the CSRF check (403), the body (413,
// 415, 400), the path parameters and the query (400); then the handler, whose answer is checked against its schema
// before it leaves (a mismatch is a bug: 500, logged).
import { Hono, type Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { HttpError, errorAnswer } from './errors.ts';
import { CSRF_HEADER, originAllowed, roleAllows, type Authenticator, type Role } from './auth.ts';
import { parseBody, readBounded, validated } from './body.ts';
import type { RateLimiter } from './rate-limit.ts';
import { isLoopback } from '../metrics/collect/listen.ts';
import type { Route, ServeContext, Text } from './route.ts';
import { PAGES, WEB_CSP, type Asset, type WebAssets } from './web.ts';

export interface AppOptions {
  ctx: ServeContext;
  routes: readonly Route[];
  auth: Authenticator;
  limiter: RateLimiter;
  maxBodyBytes: number;
  /** A reverse proxy on loopback (Caddy) forwards the clients: rate-limit by the address it appends to X-Forwarded-For. */
  trustProxy?: boolean;
  /** The web UI's pages and files (loadWebAssets); without them only the API is served. */
  web?: WebAssets;
}

const SECURITY_HEADERS: Record<string, string> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

/** "/api/v1/snapshots/{name}/pin" → "/api/v1/snapshots/:name/pin". */
export function honoPath(path: string): string {
  return path.replace(/\{([A-Za-z]+)\}/g, ':$1');
}

function clientOf(c: Context, trustProxy: boolean): string {
  let peer = 'unknown';
  try {
    peer = getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // no socket (not served by node-server): one shared budget
  }
  // Only a proxy on this machine is believed, and only the address it appended itself (the last one):
  // what a client wrote into the header before it is its own claim.
  const forwarded = c.req.header('x-forwarded-for');
  if (!trustProxy || forwarded === undefined || !isLoopback(peer.replace(/^::ffff:/i, ''))) return peer;
  return forwarded.split(',').at(-1)!.trim().slice(0, 64) || peer;
}

export function buildApp(o: AppOptions): Hono {
  const app = new Hono();
  const log = o.ctx.log;

  app.use(async (c, next) => {
    const wait = o.limiter.take(clientOf(c, o.trustProxy ?? false), Date.now());
    if (wait > 0) throw new HttpError(429, 'rate-limited', 'too many requests from this client', `wait ${wait} s`, { 'retry-after': String(wait) });
    await next();
    // The UI's pages set their own (less strict) CSP; everything else gets the API's.
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!c.res.headers.has(k)) c.res.headers.set(k, v);
  });

  app.onError((error, c) => {
    const a = errorAnswer(error, log);
    const res = c.json(a.body, a.status as 400);
    for (const [k, v] of Object.entries({ ...a.headers, ...SECURITY_HEADERS })) res.headers.set(k, v);
    return res;
  });
  app.notFound(() => {
    throw new HttpError(404, 'not-found', 'no such route', 'GET /api/v1/openapi.json lists the routes');
  });

  if (o.web !== undefined) serveWeb(app, o.web);

  for (const r of o.routes) {
    app.on(r.method.toUpperCase(), honoPath(r.path), async (c) => {
      const authorization = c.req.header('authorization');
      let role: Role | null = null;
      if (r.role !== null) {
        role = o.auth.roleOf(authorization);
        if (!roleAllows(role, r.role)) throw new HttpError(403, 'forbidden', `${r.method.toUpperCase()} ${r.path} needs the admin token`, 'use the admin token for changes; the read token only reads');
      }
      if (r.method !== 'get') {
        if (!originAllowed(c.req.header('origin'), c.req.header('host'))) {
          throw new HttpError(403, 'csrf-origin', 'the request comes from a page of another origin', 'state-changing requests are accepted only from the API\'s own origin');
        }
        if (!o.auth.csrfMatches(authorization ?? '', c.req.header(CSRF_HEADER))) {
          throw new HttpError(403, 'csrf-missing', `no valid ${CSRF_HEADER} header`, `GET /api/v1/session answers the value to send in ${CSRF_HEADER}`);
        }
      }
      const body = r.method === 'get' ? undefined : parseBody(await readBounded(c.req.raw, o.maxBodyBytes), c.req.header('content-type'), r.body);
      const params = r.params === null ? undefined : validated(r.params, c.req.param(), 'the path');
      const query = r.query === null ? undefined : validated(r.query, c.req.query(), 'the query');
      const csrf = authorization === undefined || role === null ? null : o.auth.csrfFor(authorization);
      const result = await r.handle(o.ctx, { params, query, body, role, csrf });
      if (r.response === 'text') {
        const t = result as Text;
        return c.body(t.text, r.status, { 'content-type': t.contentType });
      }
      const checked = r.response.safeParse(result);
      if (!checked.success) {
        log(`serve: ${r.operationId} answered what its schema refuses: ${checked.error.message.slice(0, 2000)}`);
        throw new HttpError(500, 'response-invalid', 'the server built an answer its own schema refuses', 'a bug: report it with the server\'s log');
      }
      return c.json(checked.data as object, r.status);
    });
  }
  return app;
}

function serveWeb(app: Hono, web: WebAssets): void {
  const send = (c: Context, a: Asset): Response => c.body(a.body as Uint8Array<ArrayBuffer>, 200, { 'content-type': a.contentType, 'content-security-policy': WEB_CSP });
  // The files hold no host data: no token needed, as for the OpenAPI document.
  for (const path of PAGES) app.get(path, (c) => send(c, web.page));
  app.get('/ui/*', (c) => {
    const asset = web.files.get(c.req.path);
    if (asset === undefined) throw new HttpError(404, 'not-found', 'no such file of the web UI', 'reload the page: the server may have been upgraded');
    return send(c, asset);
  });
}
