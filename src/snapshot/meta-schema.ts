// The sidecar's shape, checked on every read: a sidecar is a file on disk that a crash can truncate
// and a person can edit, so one that does not parse or has the wrong types is reported and treated
// as lost (rebuilt from btrfs), never trusted and never fatal for the other snapshots.
import { z } from 'zod';
import { TIERS } from '../plan/types.ts';
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

/** The sidecar's metadata, or why it cannot be used (one line, for a warning). */
export function parseSidecar(text: string, expected: { name: string; subvolume: string }): { meta: SnapshotMeta } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'not valid JSON (truncated?)' };
  }
  const parsed = snapshotMetaSchema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    return { problem: `wrong shape (${first.join('; ')}${parsed.error.issues.length > 3 ? '; …' : ''})` };
  }
  // A sidecar that names another snapshot would make lookups by name act on the wrong subvolume.
  if (parsed.data.name !== expected.name || parsed.data.subvolume !== expected.subvolume) {
    return { problem: `it describes ${parsed.data.name} of ${parsed.data.subvolume}, not ${expected.name}` };
  }
  return { meta: parsed.data };
}
