// Run reports → metric events (docs/METRICS.md says when each is sent). Pure; the CLI calls these
// after a run with the plan's host and hands the events to the recorder. Only types come from the
// domain: the runs know nothing of metrics.
import type { RunReport, WrapSnapshotResult } from '../snapshot/engine.ts';
import type { SnapshotMeta } from '../snapshot/types.ts';
import type { BackupRunReport } from '../backup/run.ts';
import type { DrillResult } from '../drill/types.ts';
import { event, type MetricEvent } from './events.ts';

/** One subvolume's snapshot as the snapshot metrics see it. */
export type SnapshotOutcome =
  | { subvolume: string; taken: true; degraded: boolean; failedHooks: readonly string[] }
  | { subvolume: string; taken: false; failedHooks: readonly string[] };

/**
 * snapshot.created once per snapshot taken (degraded ones too), snapshot.failed once per failed
 * snapshot, snapshot.hook_failed{subvol,hook} once per hook whose "before" failed (fail-open or
 * fail-closed), snapshot.degraded{subvol} once per degraded snapshot.
 */
export function snapshotEvents(host: string, outcomes: readonly SnapshotOutcome[]): MetricEvent[] {
  const events: MetricEvent[] = [];
  const created = outcomes.filter((o) => o.taken).length;
  const failed = outcomes.length - created;
  if (created > 0) events.push(event('pantheros.snapshot.created', created, { host }));
  if (failed > 0) events.push(event('pantheros.snapshot.failed', failed, { host }));
  for (const o of outcomes) {
    for (const hook of o.failedHooks) events.push(event('pantheros.snapshot.hook_failed', 1, { host, subvol: o.subvolume, hook }));
    if (o.taken && o.degraded) events.push(event('pantheros.snapshot.degraded', 1, { host, subvol: o.subvolume }));
  }
  return events;
}

/** `snapshot run`: a dry run takes nothing and sends nothing. */
export function snapshotRunOutcomes(report: RunReport): SnapshotOutcome[] {
  if (report.dryRun) return [];
  return [
    ...report.created.map((c): SnapshotOutcome => ({ subvolume: c.subvolume, taken: true, degraded: c.degraded, failedHooks: c.failedHooks })),
    ...report.failed.map((f): SnapshotOutcome => ({ subvolume: f.subvolume, taken: false, failedHooks: f.failedHooks })),
  ];
}

/** `snapshot create` and each snapshot of `snapshot wrap`. */
export function metaOutcome(meta: Pick<SnapshotMeta, 'subvolume' | 'degraded' | 'hooks'>): SnapshotOutcome {
  return { subvolume: meta.subvolume, taken: true, degraded: meta.degraded, failedHooks: beforeFailures(meta.hooks) };
}

export function failureOutcome(subvolume: string, failedHooks: readonly string[]): SnapshotOutcome {
  return { subvolume, taken: false, failedHooks };
}

/** `snapshot wrap`, from what it observed (it returns no report when a snapshot fails half-way). */
export function wrapOutcome(result: WrapSnapshotResult, failedHooksOf: (error: unknown) => string[]): SnapshotOutcome {
  return 'meta' in result ? metaOutcome(result.meta) : failureOutcome(result.subvolume, failedHooksOf(result.error));
}

function beforeFailures(hooks: SnapshotMeta['hooks']): string[] {
  return [...new Set(hooks.filter((h) => h.phase === 'before' && !h.ok).map((h) => h.hook))];
}

export type BackupTarget = 'b2' | 's3' | 'local';

/** b2 when the S3 endpoint is Backblaze's, s3 for another S3 service, local for a directory. */
export function backupTarget(s3Endpoint: string | null): BackupTarget {
  if (s3Endpoint === null) return 'local';
  let host: string;
  try { host = new URL(s3Endpoint).hostname.toLowerCase(); } catch { return 's3'; }
  return host === 'backblazeb2.com' || host.endsWith('.backblazeb2.com') ? 'b2' : 's3';
}

export type BackupRunResult = 'completed' | 'failed' | 'incomplete';

/**
 * failed: some subvolume ended with an error. completed: no error, not stopped, and no subvolume
 * left for later (interrupted by the window, or not started because the window was closed): every
 * due subvolume is stored (nothing due counts: the run did all there was). Otherwise incomplete —
 * a window-closed or interrupted run that stored what it could without error is neither failed nor
 * completed; the backup-age alert catches a host that never completes.
 */
export function backupRunResult(report: Pick<BackupRunReport, 'items' | 'stopped'>): BackupRunResult {
  if (report.items.some((i) => i.error !== undefined)) return 'failed';
  if (report.stopped !== null) return 'incomplete';
  if (report.items.some((i) => i.interrupted !== undefined || i.choice.kind === 'window-closed')) return 'incomplete';
  return 'completed';
}

/** `backup run`: completed or failed, duration (s) and bytes stored (after dedup and compression). */
export function backupRunEvents(host: string, target: BackupTarget, report: BackupRunReport, durationSeconds: number): MetricEvent[] {
  if (report.dryRun) return [];
  const result = backupRunResult(report);
  return [
    ...(result === 'completed' ? [event('pantheros.backup.completed', 1, { host })] : []),
    ...(result === 'failed' ? [event('pantheros.backup.failed', 1, { host })] : []),
    event('pantheros.backup.duration', roundTo(durationSeconds, 3), { host }),
    event('pantheros.backup.size', report.storedBytes, { host, target }),
  ];
}

/** `backup run` that threw before it had a report (repository unreachable, …): a failed backup. */
export function backupRunThrewEvents(host: string): MetricEvent[] {
  return [event('pantheros.backup.failed', 1, { host })];
}

/** `backup check`: 1 when it found no problem, else 0. */
export function backupCheckEvents(host: string, ok: boolean): MetricEvent[] {
  return [event('pantheros.backup.check', ok ? 1 : 0, { host })];
}

/**
 * `panther drill LEVEL` at its end: drill.completed when it passed, drill.failed when it failed or was
 * interrupted (a stopped drill proved nothing). The gauges (outcome, age, RTO) come from the collector,
 * which reads the same result from the drill state.
 */
export function drillEvents(host: string, result: Pick<DrillResult, 'level' | 'outcome'>): MetricEvent[] {
  const tags = { host, level: result.level };
  return [result.outcome === 'passed' ? event('pantheros.drill.completed', 1, tags) : event('pantheros.drill.failed', 1, tags)];
}

function roundTo(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
