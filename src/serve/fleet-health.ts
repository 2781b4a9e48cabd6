// The fleet view's verdict on each host, from what its status API last answered. Pure: the poller
// (fleet-poll.ts) does the asking and remembering. A host whose last request failed is unreachable
// whatever its earlier data said: stale good news must never look like good news.
import type { z } from 'zod';
import type { fleetBody, fleetHost, statusBody } from './schemas.ts';

export type StatusAnswer = z.output<typeof statusBody>;
export type FleetHostView = z.output<typeof fleetHost>;
export type FleetView = z.output<typeof fleetBody>;
type Summary = NonNullable<FleetHostView['summary']>;

/** What the poller knows of one host. */
export interface HostRecord {
  host: string;
  url: string;
  /** When its API was last asked. */
  checkedAt: string;
  /** Why the last request failed (timeout, refused, HTTP 401, invalid answer); null: it answered. */
  failure: string | null;
  /** Its last good answer and when it came; null: never. */
  last: { status: StatusAnswer; seenAt: string } | null;
}

export interface Health {
  state: FleetHostView['state'];
  reasons: string[];
  dataAgeMinutes: number | null;
  summary: Summary | null;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const MAX_WARNINGS = 10;

/** Text from another host's answer, as a reason: no control characters (each becomes `control`), bounded. */
export function clip(text: string, max = 300, control = ' '): string {
  const clean = text.replace(/[\x00-\x1f\x7f]/g, control);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** The oldest of the times, or null when any is missing (then something has none at all). */
function oldest(times: ReadonlyArray<string | null>): string | null {
  let out: string | null = null;
  for (const t of times) {
    if (t === null) return null;
    if (out === null || Date.parse(t) < Date.parse(out)) out = t;
  }
  return out;
}

// A subvolume the plan takes no snapshots of (or never backs up) is never missing them. Older servers
// do not say (no `planned`): then every subvolume counts.
const snapshotted = (v: StatusAnswer['subvolumes'][number]): boolean => v.critical || v.planned?.snapshots !== false;
const backedUp = (v: StatusAnswer['subvolumes'][number]): boolean => v.planned?.backup !== false;

function summarize(s: StatusAnswer): Summary {
  return {
    lastSnapshotAt: oldest(s.subvolumes.filter(snapshotted).map((v) => v.snapshot.at)),
    lastBackupAt: oldest(s.subvolumes.filter(backedUp).map((v) => v.backup.at)),
    backlogBytes: s.backup?.backlogBytes ?? null,
    nightsNeeded: s.backup?.nightsNeeded ?? null,
    costUsd: s.cost?.estimateUsd ?? null,
    budgetUsd: s.cost?.budget?.budgetUsd ?? null,
    costShare: null,
    doctorErrors: s.doctor?.counts.error ?? null,
    doctorWarnings: s.doctor?.counts.warning ?? null,
  };
}

/** The findings that make a host failing, then those that make it warning. */
function findings(s: StatusAnswer): { failing: string[]; warning: string[] } {
  const failing: string[] = [];
  const warning: string[] = [];
  if (s.doctor !== null && s.doctor.counts.error > 0) failing.push(`doctor: ${plural(s.doctor.counts.error, 'error')}`);
  for (const v of s.subvolumes) {
    if (v.critical && v.snapshot.overRpo === true) {
      failing.push(v.snapshot.at === null ? `${clip(v.subvolume, 200)}: no snapshot (critical)` : `${clip(v.subvolume, 200)}: newest snapshot ${v.snapshot.ageMinutes ?? '?'} min old, over the RPO of ${s.rpoMinutes} min`);
    } else if (v.snapshot.at === null && snapshotted(v)) {
      warning.push(`${clip(v.subvolume, 200)}: no snapshot`);
    }
    if (v.backup.at === null && backedUp(v)) warning.push(`${clip(v.subvolume, 200)}: no backup point`);
  }
  const run = s.backup?.lastRun ?? null;
  if (run !== null && run.outcome === 'failed') failing.push(`the last backup run failed${run.message === '' ? '' : `: ${clip(run.message)}`}`);
  for (const d of s.drill?.last ?? []) {
    if (d.outcome === 'failed') failing.push(`the last ${clip(d.level, 40)} drill failed${d.reason === null ? '' : `: ${clip(d.reason)}`}`);
  }
  if (s.doctor !== null && s.doctor.counts.warning > 0) warning.push(`doctor: ${plural(s.doctor.counts.warning, 'warning')}`);
  const nights = s.backup?.nightsNeeded ?? null;
  if (nights !== null && nights > 1) warning.push(`the upload backlog needs ${plural(nights, 'night')}`);
  const budget = s.cost?.budget ?? null;
  if (s.cost !== null && budget !== null && s.cost.estimateUsd > budget.budgetUsd) {
    warning.push(`this month's estimated cost $${s.cost.estimateUsd.toFixed(2)} is over the budget of $${budget.budgetUsd.toFixed(2)}`);
  }
  for (const w of s.warnings.slice(0, MAX_WARNINGS)) warning.push(clip(w));
  if (s.warnings.length > MAX_WARNINGS) warning.push(`and ${s.warnings.length - MAX_WARNINGS} more warnings`);
  return { failing, warning };
}

/** One host's state, reasons, data age and summary (costShare is the fleet's to fill: fleetView). */
export function hostHealth(last: HostRecord['last'], failure: string | null, now: Date): Health {
  const dataAgeMinutes = last === null ? null : Math.max(0, Math.round((now.getTime() - Date.parse(last.seenAt)) / 60_000));
  const summary = last === null ? null : summarize(last.status);
  if (failure !== null || last === null) {
    const reasons = [failure ?? 'its API has not answered yet'];
    if (last !== null) reasons.push(`its last data is ${plural(dataAgeMinutes!, 'minute')} old`);
    return { state: 'unreachable', reasons, dataAgeMinutes, summary };
  }
  const f = findings(last.status);
  if (f.failing.length > 0) return { state: 'failing', reasons: [...f.failing, ...f.warning], dataAgeMinutes, summary };
  if (f.warning.length > 0) return { state: 'warning', reasons: f.warning, dataAgeMinutes, summary };
  return { state: 'ok', reasons: [], dataAgeMinutes, summary };
}

/** The fleet view: every host's health, and its share of the fleet's estimated bill. */
export function fleetView(records: readonly HostRecord[], now: Date): FleetView {
  const hosts = records.map((r) => ({ r, h: hostHealth(r.last, r.failure, now) }));
  const total = hosts.reduce((sum, { h }) => sum + (h.summary?.costUsd ?? 0), 0);
  return {
    checkedAt: now.toISOString(),
    hosts: hosts.map(({ r, h }) => ({
      host: r.host,
      url: r.url,
      state: h.state,
      reasons: h.reasons,
      checkedAt: r.checkedAt,
      lastSeenAt: r.last?.seenAt ?? null,
      dataAgeMinutes: h.dataAgeMinutes,
      summary: h.summary === null ? null : { ...h.summary, costShare: total > 0 && h.summary.costUsd !== null ? h.summary.costUsd / total : null },
    })),
  };
}
