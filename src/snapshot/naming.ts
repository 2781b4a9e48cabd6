// Snapshot names a human can read and `ls` sorts: "<subvolume>.<UTC time>", e.g.
// "@home.20261124T020000Z". UTC so the order never jumps at a DST change or a time-zone move.
import { PantherError } from '../core/errors.ts';

const STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export function timestamp(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new PantherError('bad-time', `"${iso}" is not a time`, { hint: 'use ISO-8601, e.g. 2026-11-24T02:00:00Z', exitCode: 2 });
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

export function snapshotName(subvolume: string, iso: string): string {
  return `${subvolume}.${timestamp(iso)}`;
}

/** Inverse of snapshotName; null for names that are not ours. */
export function parseSnapshotName(name: string): { subvolume: string; time: string } | null {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return null;
  const m = STAMP.exec(name.slice(dot + 1));
  if (m === null) return null;
  return { subvolume: name.slice(0, dot), time: `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z` };
}
