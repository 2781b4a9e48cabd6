// One route of the API as data: its method and path, who may call it, the schemas of its input and
// output, and its handler. app.ts serves the table, openapi.ts documents the same table.
import type { z } from 'zod';
import type { StoragePlan } from '../plan/types.ts';
import type { Role } from './auth.ts';
import type { DoctorSummary } from './doctor.ts';
import type { FleetView } from './fleet-health.ts';

export interface ServeContext {
  plan: StoragePlan;
  root: string;
  stateDir: string;
  /** The host lock file the CLI's snapshot commands take (--lock). */
  lockPath: string;
  now: () => string;
  log: (line: string) => void;
  /** The Prometheus exposition `metrics serve` gives (cached the same way). */
  metrics: () => Promise<{ contentType: string; text: string }>;
  /** `panther doctor`'s findings (cachedDoctor). */
  doctor: () => Promise<DoctorSummary>;
  /** The fleet view: each --fleet host's health from its polled status (fleet-poll.ts); no hosts without a fleet file. */
  fleet: () => Promise<FleetView>;
  signal: AbortSignal;
}

export interface Input<P, B, Q = unknown> {
  params: P;
  body: B;
  query: Q;
  role: Role | null;
  /** The CSRF value of this request's token (GET /api/v1/session hands it out). */
  csrf: string | null;
}

export type Text = { contentType: string; text: string };

export interface Route {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI form: /api/v1/snapshots/{name}. */
  path: string;
  operationId: string;
  summary: string;
  /** null: no token needed. */
  role: Role | null;
  params: z.ZodType | null;
  /** The query string's parameters (keys it does not name are ignored: browsers add cache busters). */
  query: z.ZodType | null;
  body: z.ZodType | null;
  /** 'text': a text body (the Prometheus exposition), not JSON. */
  response: z.ZodType | 'text';
  status: 200 | 201;
  handle(ctx: ServeContext, input: Input<unknown, unknown>): Promise<unknown>;
}

/** A route whose handler is typed by its schemas (the table itself is untyped). */
export function route<P extends z.ZodType | null, B extends z.ZodType | null, R extends z.ZodType | 'text', Q extends z.ZodType | null = null>(r: {
  method: Route['method']; path: string; operationId: string; summary: string; role: Role | null;
  params: P; query?: Q; body: B; response: R; status?: 200 | 201;
  handle(ctx: ServeContext, input: Input<P extends z.ZodType ? z.output<P> : undefined, B extends z.ZodType ? z.output<B> : undefined, Q extends z.ZodType ? z.output<Q> : undefined>): Promise<R extends z.ZodType ? z.input<R> : Text>;
}): Route {
  return { ...r, query: r.query ?? null, status: r.status ?? 200, handle: r.handle as Route['handle'] };
}

/** The statuses a route can answer with besides its success, for the document. */
export function errorStatuses(r: Route): number[] {
  const s = new Set<number>([429, 500]);
  if (r.role !== null) s.add(401);
  if (r.role === 'admin') for (const x of [403, 409]) s.add(x);
  if (r.params !== null) for (const x of [400, 404]) s.add(x);
  if (r.query !== null) s.add(400);
  if (r.body !== null) for (const x of [400, 413, 415]) s.add(x);
  return [...s].sort((a, b) => a - b);
}
