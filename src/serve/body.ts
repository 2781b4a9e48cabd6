// Request bodies: JSON only, at most `max` bytes, read without ever holding more than that.
import { checkSchema } from '../core/schema.ts';
import { readAtMost } from '../core/read-at-most.ts';
import type { z } from 'zod';
import { HttpError } from './errors.ts';

export const MAX_BODY_BYTES = 64 * 1024;

const tooLarge = (max: number): HttpError => new HttpError(413, 'body-too-large', `the request body is larger than ${max} bytes`, 'send a smaller JSON body; no route takes more');

/** The body's bytes, refused (413) past `max` whether or not Content-Length said so. */
export async function readBounded(req: Request, max: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (Number.isFinite(declared) && declared > max) throw tooLarge(max);
  const bytes = await readAtMost(req.body, max);
  if (bytes === null) throw tooLarge(max);
  return bytes;
}

export function isJson(contentType: string | undefined): boolean {
  return /^application\/json\s*(;\s*charset=utf-8\s*)?$/i.test(contentType ?? '');
}

/** The body as the route's schema wants it, or a 415/400 that says what is wrong. */
export function parseBody<S extends z.ZodType>(bytes: Uint8Array, contentType: string | undefined, schema: S | null): z.output<S> | undefined {
  if (schema === null && bytes.byteLength === 0) return undefined;
  if (!isJson(contentType)) {
    throw new HttpError(415, 'unsupported-media-type', `the body must be application/json, not ${JSON.stringify((contentType ?? 'none').slice(0, 80))}`, 'send Content-Type: application/json');
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new HttpError(400, 'bad-json', 'the body is not valid JSON', 'send one JSON object');
  }
  if (schema !== null) return validated(schema, value, 'the body');
  // A browser's fetch often sends `{}` where nothing is needed: that is no body; anything else is a mistake.
  const empty = typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
  if (!empty) throw new HttpError(400, 'unexpected-body', 'this route takes no body', 'send the request without a body, or {}');
  return undefined;
}

export function validated<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const checked = checkSchema(schema, value);
  if (checked.ok) return checked.value;
  throw new HttpError(400, 'bad-request', `${what}: ${checked.problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join('; ')}`, 'GET /api/v1/openapi.json describes every request');
}
