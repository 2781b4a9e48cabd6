// The declared shape of the drill state file (<state dir>/drill-<host>.json). A damaged or
// hand-edited file is refused with the path of the bad value, never half-read.
import { z } from 'zod';
import { finite, partialRecord, record, text, whole, type SameShape } from '../core/schema.ts';
import type { DrillState } from './types.ts';

const instant = text('an ISO time').refine((s) => !Number.isNaN(Date.parse(s)), { error: (i) => `${JSON.stringify(i.input)} is not an ISO time` });
const count = whole(0, Number.MAX_SAFE_INTEGER, 'a count ≥ 0');
const bytes = finite(0, Number.MAX_SAFE_INTEGER, 'bytes ≥ 0');
const ms = finite(0, Number.MAX_SAFE_INTEGER, 'milliseconds ≥ 0');
const level = z.enum(['integrity', 'restore', 'disaster']);
const reason = z.object({ code: z.string(), message: z.string(), hint: z.string().optional() });

const database = z.object({
  kind: z.enum(['postgres', 'redis']),
  dataDir: z.string(),
  ok: z.boolean(),
  answeredAfterMs: ms.nullable(),
  postgres: z.object({
    databases: z.array(z.object({ name: z.string(), tables: count, rows: count })),
    amcheck: z.object({ indexes: count }).nullable(),
  }).optional(),
  redis: z.object({ keys: count, sampled: count }).optional(),
  error: reason.optional(),
});

const subvolume = z.object({
  subvolume: text('a subvolume name'),
  point: z.string(),
  snapshot: z.string(),
  snapshotTime: instant,
  chainLength: count,
  restoredBytes: bytes,
  storedBytes: bytes,
  sourceBytes: bytes,
  restoreMs: ms,
  verifiedAgainst: z.enum(['source-snapshot', 'stream-hash']),
  differences: count,
  differenceSample: z.array(z.string()),
  databases: z.array(database),
  rto: z.object({
    objectiveMinutes: finite(0).nullable(),
    impliedMinutes: finite(0),
    impliedMinutesAtLink: finite(0),
    linkBitsPerSecond: finite(1),
    met: z.boolean().nullable(),
  }),
  ok: z.boolean(),
  error: reason.optional(),
});

const result = z.object({
  level,
  startedAt: instant,
  finishedAt: instant,
  outcome: z.enum(['passed', 'failed', 'interrupted']),
  reason: reason.optional(),
  repository: z.string(),
  download: z.object({ bytes, usd: finite(0), budgetUsd: finite(0).nullable() }),
  integrity: z.object({
    problems: count, packsTotal: count, packsRead: count, bytesRead: bytes,
    slice: z.object({ index: count, of: whole(1) }),
  }).optional(),
  subvolumes: z.array(subvolume),
  deferred: z.array(z.object({ subvolume: z.string(), reason: z.string() })),
  validation: z.object({
    lastBackupAt: instant.nullable(),
    storedVsSource: z.object({ storedBytes: bytes, sourceBytes: bytes, ratio: finite(0).nullable() }),
    encryption: z.object({ markers: count, objectsScanned: count, bytesScanned: bytes, found: count, ok: z.boolean() }).nullable(),
    restorePathWritable: z.boolean().nullable(),
  }).optional(),
});

export const drillState = z.object({
  format: z.literal('panther-drill-state'),
  version: z.literal(1),
  host: text('a host name'),
  updated: instant,
  running: z.object({ level, pid: whole(1), startTicks: z.string().nullable(), since: instant }).nullable(),
  last: partialRecord(level, result),
  lastPassedAt: partialRecord(level, instant),
  lastRestoredAt: record(text('a subvolume name'), instant),
  history: z.array(result),
});

export const DRILL_STATE_SCHEMA_MATCHES: SameShape<z.output<typeof drillState>, DrillState> = true;
