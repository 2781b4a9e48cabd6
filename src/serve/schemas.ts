// Every request and response of the status API as a zod schema: the routes validate with them and
// openapi.ts generates the OpenAPI document from them, so the document cannot drift from the code.
// Snapshot, backup and drill records reuse the schemas that check their state files.
import { z } from 'zod';
import { snapshotMetaSchema } from '../snapshot/meta-schema.ts';
import { backupState } from '../backup/state-schema.ts';
import { drillState } from '../drill/state-schema.ts';

/** `@home.20261124T020000Z`: a subvolume name, a dot, a UTC stamp; nothing a path could be made of. */
export const snapshotName = z.string().min(1).max(200).regex(/^@?[A-Za-z0-9_][A-Za-z0-9_.@-]*\.\d{8}T\d{6}Z$/, 'a snapshot name such as @home.20261124T020000Z')
  .meta({ description: 'a snapshot name such as @home.20261124T020000Z', example: '@home.20261124T020000Z' });

export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }),
}).meta({ id: 'Error' });

export const sessionBody = z.object({
  csrf: z.string().meta({ description: 'send it back in the X-Panther-CSRF header of every state-changing request' }),
  role: z.enum(['read', 'admin']),
}).meta({ id: 'Session' });

const age = z.object({
  at: z.string().nullable().meta({ description: 'the newest one (ISO time), null when there is none' }),
  ageMinutes: z.number().nullable(),
  overRpo: z.boolean().nullable().meta({ description: 'older than the plan\'s RPO, or none at all: set for the snapshots of critical subvolumes (the RPO is promised for those); null where it does not apply (backups run nightly: their lag is the backlog)' }),
});

const budget = z.object({ usd: z.number(), budgetUsd: z.number(), fraction: z.number(), level: z.string() });

export const statusBody = z.object({
  host: z.string(),
  now: z.string(),
  rpoMinutes: z.number(),
  subvolumes: z.array(z.object({
    subvolume: z.string(),
    critical: z.boolean(),
    planned: z.object({ snapshots: z.boolean(), backup: z.boolean() }).optional()
      .meta({ description: 'whether the plan takes snapshots of it and backs it up (a subvolume it does not is never missing them); absent from older servers' }),
    snapshot: age,
    backup: age,
    drill: z.object({ at: z.string().nullable() }),
  })),
  backup: z.object({
    backlogBytes: z.number(),
    nightsNeeded: z.number().nullable(),
    lastRun: backupState.shape.lastRun,
  }).nullable(),
  cost: z.object({
    month: z.string(),
    estimateUsd: z.number(),
    monthToDateUsd: z.number(),
    budget: budget.nullable(),
  }).nullable(),
  drill: z.object({
    running: z.object({ level: z.string(), since: z.string() }).nullable(),
    last: z.array(z.object({ level: z.string(), outcome: z.string(), finishedAt: z.string(), reason: z.string().nullable() })),
  }).nullable(),
  /** `panther doctor`'s findings: the live btrfs state against the plan (read at most once a minute). */
  doctor: z.object({
    counts: z.object({ error: z.number(), warning: z.number(), info: z.number() }),
    findings: z.array(z.object({ id: z.string(), severity: z.enum(['error', 'warning', 'info']), subject: z.string(), expected: z.string(), found: z.string(), fix: z.string() })),
  }).nullable(),
  warnings: z.array(z.string()),
}).meta({ id: 'Status' });

export const snapshotEntry = snapshotMetaSchema.extend({ rebuilt: z.boolean() }).meta({ id: 'Snapshot' });

export const snapshotsBody = z.object({
  subvolumes: z.array(z.object({
    subvolume: z.string(),
    tiers: z.record(z.string(), z.number().nullable()).nullable(),
    snapshots: z.array(snapshotEntry),
  })),
}).meta({ id: 'SnapshotList' });

export const createSnapshotRequest = z.strictObject({
  subvolume: z.string().min(1).max(200),
  description: z.string().max(500).optional(),
  tags: z.array(z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/)).max(16).optional(),
}).meta({ id: 'CreateSnapshot' });

export const snapshotBody = z.object({ snapshot: snapshotEntry });

export const nameParams = z.object({ name: snapshotName });
export const diffParams = z.object({ older: snapshotName, newer: snapshotName });

export const diffBody = z.object({
  older: z.string(),
  newer: z.string(),
  changes: z.array(z.object({ path: z.string(), kind: z.enum(['added', 'deleted', 'modified', 'renamed']), from: z.string().optional() })),
}).meta({ id: 'Diff' });

const noNul = (s: string): boolean => !s.includes('\0');
export const restoreRequest = z.strictObject({
  path: z.string().min(1).max(4096).refine(noNul, 'must not contain NUL')
    .meta({ description: 'the file or directory inside the subvolume ("docs/a.txt", or its live path "/home/docs/a.txt")' }),
  to: z.string().min(1).max(4096).refine(noNul, 'must not contain NUL').optional()
    .meta({ description: 'an absolute directory inside one of the plan\'s mounted subvolumes to restore into; default: back to its place' }),
  overwriteNewer: z.boolean().optional(),
}).meta({ id: 'RestoreFile' });

export const restoreBody = z.object({
  snapshot: z.string(), from: z.string(), to: z.string(),
  restored: z.array(z.string()), unchanged: z.array(z.string()), skippedNewer: z.array(z.string()), skippedSpecial: z.array(z.string()),
}).meta({ id: 'RestoreResult' });

export const backupsBody = z.object({
  host: z.string(),
  subvolumes: z.array(z.object({
    subvolume: z.string(),
    points: z.array(z.object({ id: z.string(), repository: z.string(), snapshot: z.string(), time: z.string() })),
    lastComplete: z.object({ at: z.string(), snapshot: z.string(), point: z.string(), kind: z.string(), streamBytes: z.number(), storedBytes: z.number() }).nullable(),
    inProgress: z.object({ snapshot: z.string(), since: z.string(), storedBytes: z.number(), remainingBytes: z.number().nullable(), nights: z.number().nullable() }).nullable(),
  })),
  lastRun: backupState.shape.lastRun,
  check: z.null().meta({ description: '`backup check` does not record its result on the host yet: always null' }),
}).meta({ id: 'Backups' });

export const drillsBody = z.object({ state: drillState }).meta({ id: 'Drills' });

/** One plot for uPlot: shared x values (Unix seconds, ascending) and one value array per series (null: no data there). */
export const plot = z.object({
  unit: z.string().meta({ description: 'percent, bytes, seconds, USD, 1' }),
  x: z.array(z.number()),
  series: z.array(z.object({ label: z.string(), values: z.array(z.number().nullable()) })),
}).meta({ id: 'Plot' });

export const historyQuery = z.object({
  days: z.coerce.number().int().min(1).max(400).default(90).meta({ description: 'how far back, in days (1–400, default 90)' }),
});

export const historyBody = z.object({
  host: z.string(),
  now: z.string(),
  since: z.string(),
  plots: z.object({
    poolUsage: plot.meta({ description: 'percent of each pool device used, over time (the collector\'s samples, bucketed)' }),
    snapshotCount: plot.meta({ description: 'snapshots on disk by type, over time' }),
    snapshotSize: plot.meta({ description: 'bytes exclusive to each subvolume\'s snapshots, over time' }),
    backupSize: plot.meta({ description: 'bytes uploaded per night, by target' }),
    backupDuration: plot.meta({ description: 'seconds the backup ran, per night' }),
    cost: plot.meta({ description: 'the month\'s estimated storage bill (USD) per month, beside the budget' }),
    failures: plot.meta({ description: 'failed snapshots, backups, hooks and drills per day' }),
  }),
}).meta({ id: 'History' });

export const fleetHost = z.object({
  host: z.string(),
  url: z.string().meta({ description: 'its API, as the fleet file says' }),
  state: z.enum(['ok', 'warning', 'failing', 'unreachable']).meta({ description: 'unreachable whenever the last attempt failed, whatever the data seen before said' }),
  reasons: z.array(z.string()).meta({ description: 'why it is not ok (the failed request, the findings)' }),
  checkedAt: z.string().meta({ description: 'when its API was last asked' }),
  lastSeenAt: z.string().nullable().meta({ description: 'when its API last answered; null: never' }),
  dataAgeMinutes: z.number().nullable(),
  summary: z.object({
    lastSnapshotAt: z.string().nullable().meta({ description: 'the oldest of the subvolumes\' newest snapshots (what is least protected)' }),
    lastBackupAt: z.string().nullable().meta({ description: 'the oldest of the subvolumes\' newest offsite points' }),
    backlogBytes: z.number().nullable(),
    nightsNeeded: z.number().nullable(),
    costUsd: z.number().nullable().meta({ description: 'this month\'s estimated bill' }),
    budgetUsd: z.number().nullable(),
    costShare: z.number().nullable().meta({ description: 'its share of the fleet\'s estimated bill, 0–1' }),
    doctorErrors: z.number().nullable(),
    doctorWarnings: z.number().nullable(),
  }).nullable().meta({ description: 'from the last data seen (stale when unreachable); null when never seen' }),
}).meta({ id: 'FleetHost' });

export const fleetBody = z.object({
  checkedAt: z.string(),
  hosts: z.array(fleetHost),
}).meta({ id: 'Fleet' });

export const emptyObject = z.strictObject({});
