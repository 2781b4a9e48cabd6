// Progress across windows, kept per host in a small JSON file so `panther backup status` can say what
// happened last night and how many nights an unfinished upload still needs without touching the
// repository (listing it costs B2 transactions). The repository stays the truth: this file only
// remembers what the runs saw, and losing it loses nothing but the history it shows.
//
// <state-dir>/backup-<host>.json, written whole to a temporary name and renamed (a crash leaves the
// old file or the new one). Format "panther-backup-state", version 1:
//   { format, version, host, updated,
//     lastRun: { startedAt, finishedAt|null, outcome, message, window|null, storedBytes, bandwidth|null },
//     subvolumes: { "<name>": { lastRun, lastComplete, points, inProgress } } }
// The updaters below are pure; read/write are the only I/O.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { PantherError } from '../core/errors.ts';
import { checkSchema, schemaError } from '../core/schema.ts';
import { backupState } from './state-schema.ts';
import type { EstimateSource } from './forecast.ts';
import type { WindowState } from '../plan/backup-window.ts';

export const STATE_FORMAT = 'panther-backup-state';
export const STATE_VERSION = 1;

export type ItemOutcome = 'complete' | 'skipped' | 'not-due' | 'window-closed' | 'interrupted' | 'failed' | 'planned';
export type RunOutcome = 'running' | 'complete' | 'window-closed' | 'interrupted' | 'failed';

export interface BandwidthRecord {
  capBitsPerSecond: number | null;
  bytes: number;
  elapsedMs: number;
  /** Achieved over the whole run, idle gaps included. */
  bitsPerSecond: number | null;
}

export interface RunRecord {
  startedAt: string;
  finishedAt: string | null;
  outcome: RunOutcome;
  message: string;
  window: WindowState | null;
  /** Bytes made durable by this run, finished and interrupted uploads alike. */
  storedBytes: number;
  bandwidth: BandwidthRecord | null;
}

export interface TotalEstimate {
  /** The whole upload (not what is left of it): an estimate. */
  totalBytes: number;
  source: EstimateSource;
  label: string;
}

export interface InProgress {
  /** The snapshot being sent when the upload last stopped (a later night may send a newer one). */
  snapshot: string;
  kind: 'full' | 'incremental';
  /** When the first attempt started. */
  since: string;
  attempts: number;
  /** Stored by all attempts so far; the next attempt's dedup skips it. */
  storedBytes: number;
  /** How far into the stream the last attempt read. */
  streamBytesReached: number;
  estimate: TotalEstimate | null;
}

export interface SubvolumeState {
  lastRun: { at: string; outcome: ItemOutcome; snapshot: string | null; reason: string; storedBytes: number; streamBytes: number } | null;
  lastComplete: { at: string; snapshot: string; point: string; kind: 'full' | 'incremental'; streamBytes: number; storedBytes: number } | null;
  /** Complete points of this subvolume in the repository, as of the last run that looked. */
  points: number | null;
  inProgress: InProgress | null;
}

export interface BackupState {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  host: string;
  updated: string;
  lastRun: RunRecord | null;
  subvolumes: Record<string, SubvolumeState>;
}

/** What a run tells the state about one subvolume. */
export interface ItemRecord {
  subvolume: string;
  snapshot: string | null;
  outcome: ItemOutcome;
  reason: string;
  kind?: 'full' | 'incremental';
  point?: string;
  streamBytes?: number;
  storedBytes?: number;
  /** Points of this subvolume after this item (a completed upload included). */
  points?: number;
  estimate?: TotalEstimate | null;
}

export function emptyState(host: string, at: string): BackupState {
  return { format: STATE_FORMAT, version: STATE_VERSION, host, updated: at, lastRun: null, subvolumes: {} };
}

const emptySubvolume = (): SubvolumeState => ({ lastRun: null, lastComplete: null, points: null, inProgress: null });

export function beginRun(state: BackupState, at: string, window: WindowState | null): BackupState {
  return { ...state, updated: at, lastRun: { startedAt: at, finishedAt: null, outcome: 'running', message: 'running', window, storedBytes: 0, bandwidth: null } };
}

export function recordItem(state: BackupState, item: ItemRecord, at: string): BackupState {
  const prev = state.subvolumes[item.subvolume] ?? emptySubvolume();
  const stored = item.storedBytes ?? 0;
  const next: SubvolumeState = {
    ...prev,
    lastRun: { at, outcome: item.outcome, snapshot: item.snapshot, reason: item.reason, storedBytes: stored, streamBytes: item.streamBytes ?? 0 },
    points: item.points ?? prev.points,
  };
  if (item.outcome === 'complete' && item.point !== undefined && item.snapshot !== null) {
    next.lastComplete = { at, snapshot: item.snapshot, point: item.point, kind: item.kind ?? 'full', streamBytes: item.streamBytes ?? 0, storedBytes: stored };
    next.inProgress = null;
  } else if (item.outcome === 'interrupted' && item.snapshot !== null) {
    const p = prev.inProgress;
    next.inProgress = {
      snapshot: item.snapshot, kind: item.kind ?? 'full',
      since: p?.since ?? at, attempts: (p?.attempts ?? 0) + 1,
      storedBytes: (p?.storedBytes ?? 0) + stored,
      streamBytesReached: item.streamBytes ?? 0,
      estimate: item.estimate ?? p?.estimate ?? null,
    };
  }
  const run = state.lastRun === null ? null : { ...state.lastRun, storedBytes: state.lastRun.storedBytes + stored };
  return { ...state, updated: at, lastRun: run, subvolumes: { ...state.subvolumes, [item.subvolume]: next } };
}

export function finishRun(state: BackupState, at: string, outcome: Exclude<RunOutcome, 'running'>, message: string, bandwidth: BandwidthRecord | null): BackupState {
  if (state.lastRun === null) return state;
  return { ...state, updated: at, lastRun: { ...state.lastRun, finishedAt: at, outcome, message, bandwidth } };
}

const HOST = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function statePath(dir: string, host: string): string {
  if (!HOST.test(host)) throw new PantherError('bad-host', `host name ${JSON.stringify(host)} cannot name a state file`, { hint: 'host names are [A-Za-z0-9._-]' });
  return join(dir, `backup-${host}.json`);
}

/** The host's state, or a fresh one when there is none yet. A damaged file is an error, not a reset. */
export async function readBackupState(dir: string, host: string, at: string): Promise<BackupState> {
  const path = statePath(dir, host);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState(host, at);
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw damaged(path, 'is not JSON', cause);
  }
  const header = parsed as Partial<BackupState> | null;
  if (header?.format !== STATE_FORMAT || header.version !== STATE_VERSION || header.host !== host) {
    throw damaged(path, `is not a version ${STATE_VERSION} backup state of ${host}`);
  }
  const checked = checkSchema(backupState, parsed);
  if (!checked.ok) {
    throw schemaError(path, checked.problems, { code: 'state-damaged', what: `a backup state of ${host}`, hint: DAMAGED_HINT });
  }
  // The file as written (keys the schema does not name included), now known to have the declared shape.
  return parsed as BackupState;
}

export async function writeBackupState(dir: string, state: BackupState): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(statePath(dir, state.host), `${JSON.stringify(state, null, 2)}\n`, 0o644);
}

const DAMAGED_HINT = 'it only holds the history `backup status` shows; move it away and the next run starts a new one';

function damaged(path: string, why: string, cause?: unknown): PantherError {
  return new PantherError('state-damaged', `${path} ${why}`, {
    subject: path, cause,
    hint: DAMAGED_HINT,
  });
}
