// The OpenAPI 3.1 document, generated from the route table and its zod schemas (z.toJSONSchema), so
// what is documented is what is validated. Served at GET /api/v1/openapi.json without a token: it
// names no host data.
import { z } from 'zod';
import { VERSION } from '../core/defaults.ts';
import { errorStatuses, type Route } from './route.ts';
import { errorBody } from './schemas.ts';
import { CSRF_HEADER } from './auth.ts';

const REASONS: Record<number, string> = {
  200: 'OK', 201: 'created', 400: 'the request is malformed, or what it asks is refused as unsafe', 401: 'no token, or not a valid one',
  403: 'a read token on an admin route, or no valid X-Panther-CSRF', 404: 'no such snapshot, path or route', 409: 'refused: protected, or the host lock is held',
  413: 'the body is larger than 64 KiB', 415: 'the body is not application/json', 429: 'too many requests from this client; Retry-After says when to retry', 500: 'the server failed; its log says more',
};

type Json = Record<string, unknown>;

/** References to named schemas ($defs of one conversion) pointed at the document's components. */
function hoist(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hoist);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? v.replace(/^#\/\$defs\//, '#/components/schemas/') : hoist(v)]));
}

/** One schema as JSON Schema 2020-12; the named ones it uses land in `components`. */
function schemaIn(components: Record<string, Json>, s: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _drop, $defs, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json & { $defs?: Record<string, Json> };
  for (const [name, def] of Object.entries($defs ?? {})) components[name] = hoist(def) as Json;
  return hoist(rest) as Json;
}

function parameters(schema: (s: z.ZodType, io: 'input' | 'output') => Json, r: Route): Json[] {
  const path = r.params === null ? {} : (schema(r.params, 'input') as { properties?: Record<string, Json> }).properties ?? {};
  const query: { properties?: Record<string, Json>; required?: string[] } = r.query === null ? {} : schema(r.query, 'input');
  return [
    ...Object.entries(path).map(([name, p]) => ({ name, in: 'path', required: true, schema: p })),
    ...Object.entries(query.properties ?? {}).map(([name, p]) => ({
      name, in: 'query', required: (query.required ?? []).includes(name), schema: p,
      ...(typeof p['description'] === 'string' ? { description: p['description'] } : {}),
    })),
  ];
}

export function openApiDocument(routes: readonly Route[]): Json {
  const paths: Record<string, Record<string, Json>> = {};
  const components: Record<string, Json> = {};
  const schema = (s: z.ZodType, io: 'input' | 'output'): Json => schemaIn(components, s, io);
  for (const r of routes) {
    const responses: Record<string, Json> = {
      [String(r.status)]: r.response === 'text'
        ? { description: REASONS[r.status], content: { 'text/plain': { schema: { type: 'string' } } } }
        : { description: REASONS[r.status], content: { 'application/json': { schema: schema(r.response, 'output') } } },
    };
    for (const e of errorStatuses(r)) responses[String(e)] = { description: REASONS[e], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    const op: Json = {
      operationId: r.operationId, summary: r.summary, parameters: parameters(schema, r), responses,
      security: r.role === null ? [] : [{ [r.role === 'admin' ? 'adminToken' : 'readToken']: [] }],
      'x-panther-role': r.role,
    };
    if (r.role === 'admin') {
      (op['parameters'] as Json[]).push({ name: 'X-Panther-CSRF', in: 'header', required: true, schema: { type: 'string' }, description: 'the value GET /api/v1/session answered' });
    }
    if (r.body !== null) op['requestBody'] = { required: true, content: { 'application/json': { schema: schema(r.body, 'input') } } };
    (paths[r.path] ??= {})[r.method] = op;
  }
  schema(errorBody, 'output'); // named 'Error': lands in components, where every error answer points
  return {
    openapi: '3.1.0',
    info: {
      title: 'panther serve', version: VERSION,
      description: `The per-host status API of Panther Storage. Every route but this document needs Authorization: Bearer TOKEN (the read token, or the admin token, which may do everything); state-changing routes need the admin token and the header ${CSRF_HEADER} with the value GET /api/v1/session answers.`,
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        readToken: { type: 'http', scheme: 'bearer', description: 'the read token (--read-token-file)' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'the admin token (--admin-token-file)' },
      },
    },
  };
}
