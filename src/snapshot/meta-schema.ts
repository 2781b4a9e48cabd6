// The sidecar's shape as a zod schema: what the API's OpenAPI document describes (serve/schemas.ts).
// Sidecars themselves are read by sidecar.ts, which checks the same shape without loading zod.
import { z } from 'zod';
import { TIERS } from '../plan/types.ts';
import type { SameShape } from '../core/schema.ts';
import type { SnapshotMeta } from './types.ts';

const hookOutcome = z.object({
  hook: z.string(),
  phase: z.enum(['before', 'after']),
  ok: z.boolean(),
  degraded: z.boolean(),
  durationMs: z.number(),
  message: z.string(),
});

export const snapshotMetaSchema = z.object({
  formatVersion: z.literal(1),
  name: z.string(),
  host: z.string(),
  pool: z.string(),
  subvolume: z.string(),
  time: z.iso.datetime(),
  origin: z.enum(['timeline', 'manual', 'wrap-pre', 'wrap-post', 'backup']),
  tiers: z.array(z.enum(TIERS)),
  tags: z.array(z.string()),
  description: z.string().nullable(),
  creator: z.string(),
  pinned: z.boolean(),
  holds: z.array(z.string()),
  hooks: z.array(hookOutcome),
  degraded: z.boolean(),
  command: z.object({ argv: z.array(z.string()), exitCode: z.number().int().nullable() }).nullable(),
  uuid: z.string().nullable(),
  toolVersion: z.string(),
});

// Reading one checks the same shape without loading zod: sidecar.ts (sidecar.test.ts holds the two to the same answers).
export { parseSidecar } from './sidecar.ts';

export const META_SCHEMA_MATCHES: SameShape<z.output<typeof snapshotMetaSchema>, SnapshotMeta> = true;
