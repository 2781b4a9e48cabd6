// The declared shape of the backup state file (<state dir>/backup-<host>.json) that `backup run`
// writes and `backup status` reads. A damaged or hand-edited file is refused with the path of the bad
// value, never half-read into a crash. Objects are not strict: the file is machine-written and records
// may carry more than their type names (a bandwidth record's byte counters); those keys are kept.
import { z } from 'zod';
import { finite, record, text, whole, type SameShape } from '../core/schema.ts';
// Types only: window-progress.ts imports this file (the SameShape check keeps the literals in step).
import type { BackupState } from './window-progress.ts';

const instant = text('an ISO time').refine((s) => !Number.isNaN(Date.parse(s)), { error: (i) => `${JSON.stringify(i.input)} is not an ISO time` });
const bytes = finite(0, Number.MAX_SAFE_INTEGER, 'bytes ≥ 0');
const sendKind = z.enum(['full', 'incremental']);
const itemOutcome = z.enum(['complete', 'skipped', 'not-due', 'window-closed', 'interrupted', 'failed', 'planned']);

const estimate = z.object({
  totalBytes: bytes,
  source: z.enum(['pool-used', 'in-progress', 'recent-points']),
  label: z.string(),
}).nullable();

const windowState = z.object({
  open: z.boolean(),
  kind: z.enum(['weekdays', 'weekends']),
  opensAt: instant,
  closesAt: instant,
  nextOpensAt: instant,
  remainingMs: finite(0, Number.MAX_SAFE_INTEGER, 'milliseconds ≥ 0'),
});

const bandwidth = z.object({
  capBitsPerSecond: finite(0, 1e15, 'bits per second ≥ 0').nullable(),
  bytes,
  elapsedMs: finite(0, Number.MAX_SAFE_INTEGER, 'milliseconds ≥ 0'),
  bitsPerSecond: finite(0, 1e15, 'bits per second ≥ 0').nullable(),
});

const subvolumeState = z.object({
  lastRun: z.object({ at: instant, outcome: itemOutcome, snapshot: z.string().nullable(), reason: z.string(), storedBytes: bytes, streamBytes: bytes }).nullable(),
  lastComplete: z.object({ at: instant, snapshot: z.string(), point: z.string(), kind: sendKind, streamBytes: bytes, storedBytes: bytes }).nullable(),
  points: whole(0, Number.MAX_SAFE_INTEGER, 'a count ≥ 0').nullable(),
  inProgress: z.object({
    snapshot: z.string(), kind: sendKind, since: instant, attempts: whole(0, Number.MAX_SAFE_INTEGER, 'a count ≥ 0'),
    storedBytes: bytes, streamBytesReached: bytes, estimate,
  }).nullable(),
});

export const backupState = z.object({
  format: z.literal('panther-backup-state'),
  version: z.literal(1),
  host: text('a host name'),
  updated: instant,
  lastRun: z.object({
    startedAt: instant,
    finishedAt: instant.nullable(),
    outcome: z.enum(['running', 'complete', 'window-closed', 'interrupted', 'failed']),
    message: z.string(),
    window: windowState.nullable(),
    storedBytes: bytes,
    bandwidth: bandwidth.nullable(),
  }).nullable(),
  subvolumes: record(text('a subvolume name'), subvolumeState),
});

export const BACKUP_STATE_SCHEMA_MATCHES: SameShape<z.output<typeof backupState>, BackupState> = true;
