// The host's own record of the backup points it completed: `<state dir>/points-<host>.json`. The
// repository cannot tell that a manifest was deleted (a bucket rolled back, a hand-deleted object, a
// compromised key): what is gone leaves no trace there. This file is the witness `backup check`
// compares the repository with (docs/FORMAT.md §5.5). `backup run` appends each point as it
// completes; `backup prune` removes the points it is about to delete, before it deletes them, so a
// crash in between leaves the record with fewer points, never with a pruned point reported vanished.
//
// Format "panther-points", version 1:
//   { format, version, host, updated, points: [{ id, repository, subvolume, snapshot, time }] }
// `repository` is the repository id (config `id`), so one host's points in two repositories (a local
// one and B2) are told apart. Written whole to a temporary name, fsynced and renamed.
import { mkdir } from 'node:fs/promises';
import { readStateJson } from '../core/read-state-json.ts';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { PantherError } from '../core/errors.ts';
import { assertHost } from '../repo/names.ts';

export const POINTS_FORMAT = 'panther-points';
export const POINTS_VERSION = 1;

export interface RecordedPointEntry {
  id: string;
  /** Repository id (the config's `id`). */
  repository: string;
  subvolume: string;
  /** Snapshot name. */
  snapshot: string;
  /** When the point was completed (the manifest was stored). */
  time: string;
}

export interface PointRecord {
  format: typeof POINTS_FORMAT;
  version: typeof POINTS_VERSION;
  host: string;
  updated: string;
  points: RecordedPointEntry[];
}

export function pointRecordPath(stateDir: string, host: string): string {
  assertHost(host);
  return join(stateDir, `points-${host}.json`);
}

/** The record, or null when the host has none yet. A damaged file is an error, never a silent reset. */
export async function readPointRecord(stateDir: string, host: string): Promise<PointRecord | null> {
  const path = pointRecordPath(stateDir, host);
  const json = await readStateJson(path, { unreadable: { code: 'points-unreadable', what: 'the record of completed backup points' }, damaged });
  return json === null ? null : parsePointRecord(json, path, host);
}

export function parsePointRecord(json: unknown, source: string, host: string): PointRecord {
  const r = json as Partial<PointRecord> | null;
  if (typeof r !== 'object' || r === null) throw damaged(source, 'not an object');
  if (r.format !== POINTS_FORMAT || r.version !== POINTS_VERSION) throw damaged(source, `not a version ${POINTS_VERSION} ${POINTS_FORMAT} file`);
  if (r.host !== host) throw damaged(source, `it is the record of ${JSON.stringify(r.host)}, not ${host}`);
  if (!Array.isArray(r.points)) throw damaged(source, 'points: must be a list');
  r.points.forEach((p, i) => {
    for (const key of ['id', 'repository', 'subvolume', 'snapshot', 'time'] as const) {
      if (typeof p?.[key] !== 'string') throw damaged(source, `points[${i}].${key}: must be a string`);
    }
  });
  return r as PointRecord;
}

/** Pure: the record with one more point (a point already recorded stays once). */
export function withPoint(record: PointRecord | null, host: string, point: RecordedPointEntry, at: string): PointRecord {
  const points = (record?.points ?? []).filter((p) => !(p.id === point.id && p.repository === point.repository));
  return { format: POINTS_FORMAT, version: POINTS_VERSION, host, updated: at, points: [...points, point] };
}

/** Pure: the record without these points of this repository. */
export function withoutPoints(record: PointRecord, repository: string, ids: ReadonlySet<string>, at: string): PointRecord {
  return { ...record, updated: at, points: record.points.filter((p) => !(p.repository === repository && ids.has(p.id))) };
}

export async function writePointRecord(stateDir: string, record: PointRecord): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  await writeFileAtomic(pointRecordPath(stateDir, record.host), `${JSON.stringify(record, null, 1)}\n`, 0o644);
}

/** Appends a completed point (read, add, write atomically). Callers hold the host lock. */
export async function recordPoint(stateDir: string, host: string, point: RecordedPointEntry, at: string): Promise<void> {
  await writePointRecord(stateDir, withPoint(await readPointRecord(stateDir, host), host, point, at));
}

/** Removes points prune is about to delete; nothing to do without a record. */
export async function forgetPoints(stateDir: string, host: string, repository: string, ids: readonly string[], at: string): Promise<void> {
  if (ids.length === 0) return;
  const record = await readPointRecord(stateDir, host);
  if (record === null) return;
  await writePointRecord(stateDir, withoutPoints(record, repository, new Set(ids), at));
}

function damaged(path: string, why: string, cause?: unknown): PantherError {
  return new PantherError('points-damaged', `${path}: not a record of completed backup points: ${why}`, {
    subject: path, ...(cause === undefined ? {} : { cause }),
    hint: 'move the file away: the next backup run starts a new record (check then compares only points completed from then on)',
  });
}
