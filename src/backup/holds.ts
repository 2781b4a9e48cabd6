// The holds a backup puts on snapshots, and how a run puts right what an earlier run left behind.
// Pure: snapshots as name, uuid and holds; points as the uuids of the snapshots they were sent from.

export const PARENT_HOLD = 'backup:parent';
/** On the snapshot being sent and its parent while the upload runs: snapshot pruning runs meanwhile. */
export const UPLOAD_HOLD = 'backup:upload';

export interface HeldView {
  name: string;
  uuid: string | null;
  holds: readonly string[];
}

export interface HoldRepairs {
  /** Snapshots whose upload hold is stale. */
  clearUpload: string[];
  /** Where the parent hold must move to, or null when it is where it belongs (or nothing has a point). */
  parent: string | null;
}

/**
 * Before a run picks what to send. Every upload hold is stale, because one backup run per host runs
 * at a time and the caller is it (a run killed mid-upload, or one whose last section could not get
 * the host lock, leaves them). The parent hold belongs on the newest snapshot that has a point, the
 * one the next incremental starts from. `snapshots` is oldest first.
 */
export function holdRepairs(snapshots: readonly HeldView[], pointUuids: ReadonlySet<string>): HoldRepairs {
  const clearUpload = snapshots.filter((s) => s.holds.includes(UPLOAD_HOLD)).map((s) => s.name);
  const newest = snapshots.filter((s) => s.uuid !== null && pointUuids.has(s.uuid)).at(-1);
  const parent = newest === undefined || newest.holds.includes(PARENT_HOLD) ? null : newest.name;
  return { clearUpload, parent };
}
