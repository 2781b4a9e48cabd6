// What `panther drill …` and `drill status` print for a person.
import { formatBytes } from '../../core/bytes.ts';
import type { DrillResult, DrillState } from '../../drill/types.ts';
import { DRILL_LEVELS } from '../../drill/types.ts';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function drillResultText(r: DrillResult): string {
  const lines = [`drill ${r.level} ${r.outcome.toUpperCase()} (${r.startedAt} → ${r.finishedAt}), repository ${r.repository}`];
  if (r.integrity !== undefined) {
    const i = r.integrity;
    lines.push(`  integrity: ${i.problems} error(s); read slice ${i.slice.index + 1}/${i.slice.of}: ${i.packsRead} of ${i.packsTotal} packs (${formatBytes(i.bytesRead)})`);
  }
  for (const s of r.subvolumes) {
    const rto = s.rto.objectiveMinutes === null ? `implied RTO ${s.rto.impliedMinutes} min (${s.rto.impliedMinutesAtLink} min at ${s.rto.linkBitsPerSecond / 1e6} Mbit/s)`
      : `implied RTO ${s.rto.impliedMinutes} min, ${s.rto.impliedMinutesAtLink} min at ${s.rto.linkBitsPerSecond / 1e6} Mbit/s, objective ${s.rto.objectiveMinutes} min: ${s.rto.met === true ? 'met' : 'MISSED'}`;
    lines.push(`  ${s.ok ? 'ok    ' : 'FAILED'} ${s.subvolume}${s.snapshot === '' ? '' : ` ${s.snapshot}`}: ${formatBytes(s.restoredBytes)} restored in ${seconds(s.restoreMs)} (stored ${formatBytes(s.storedBytes)}), verified against the ${s.verifiedAgainst === 'source-snapshot' ? 'source snapshot' : 'stored stream hash'}; ${rto}`);
    for (const d of s.databases) {
      const what = d.postgres !== undefined ? `${d.postgres.databases.length} database(s), ${d.postgres.databases.reduce((a, x) => a + x.rows, 0)} rows in ${d.postgres.databases.reduce((a, x) => a + x.tables, 0)} tables${d.postgres.amcheck === null ? ', amcheck not installed' : `, amcheck on ${d.postgres.amcheck.indexes} indexes`}`
        : d.redis !== undefined ? `${d.redis.keys} keys, ${d.redis.sampled} read back` : '';
      lines.push(`         ${d.kind} in ${d.dataDir === '' ? '?' : d.dataDir}: ${d.ok ? `answered after ${seconds(d.answeredAfterMs ?? 0)}; ${what}` : `FAILED: ${d.error?.message ?? 'no answer'}`}`);
    }
    if (s.error !== undefined) lines.push(`         ${s.error.message}${s.error.hint === undefined ? '' : `\n         hint: ${s.error.hint}`}`);
    for (const d of s.differenceSample.slice(0, 5)) lines.push(`         differs: ${d}`);
  }
  for (const d of r.deferred) lines.push(`  deferred ${d.subvolume}: ${d.reason}`);
  const v = r.validation;
  if (v !== undefined) {
    lines.push(`  last backup completed: ${v.lastBackupAt ?? 'never'}`);
    lines.push(`  stored vs source: ${formatBytes(v.storedVsSource.storedBytes)} stored for ${formatBytes(v.storedVsSource.sourceBytes)} restored${v.storedVsSource.ratio === null ? '' : ` (${v.storedVsSource.ratio})`}`);
    if (v.encryption !== null) lines.push(`  encryption: ${v.encryption.ok ? 'ok' : 'PLAINTEXT FOUND'}: ${v.encryption.found} of ${v.encryption.markers} plaintext markers in ${v.encryption.objectsScanned} objects (${formatBytes(v.encryption.bytesScanned)})`);
    if (v.restorePathWritable !== null) lines.push(`  restore path writable: ${v.restorePathWritable ? 'yes' : 'NO'}`);
  }
  lines.push(`  downloaded ${formatBytes(r.download.bytes)}${r.download.budgetUsd === null ? '' : ` ($${r.download.usd.toFixed(4)} of a $${r.download.budgetUsd} budget)`}`);
  if (r.reason !== undefined) lines.push(`${r.outcome === 'passed' ? '' : 'reason: '}${r.reason.message}${r.reason.hint === undefined ? '' : `\nhint: ${r.reason.hint}`}`);
  return lines.join('\n');
}

export function drillStatusText(state: DrillState, nowMs: number): string {
  const lines = [`drills of ${state.host}`];
  if (state.running !== null) lines.push(`  running: ${state.running.level} since ${state.running.since} (pid ${state.running.pid})`);
  for (const level of DRILL_LEVELS) {
    const last = state.last[level];
    const passed = state.lastPassedAt[level];
    const age = passed === undefined ? 'never passed' : `passed ${Math.floor((nowMs - Date.parse(passed)) / 86_400_000)} day(s) ago`;
    lines.push(`  ${level.padEnd(9)} ${last === undefined ? 'never run' : `${last.outcome} at ${last.finishedAt}${last.reason === undefined ? '' : `: ${last.reason.message}`}`}; ${age}`);
  }
  return lines.join('\n');
}
