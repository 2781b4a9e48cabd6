// Markdown tables of one run: per scenario wall, CPU, peak RSS and panther's ratio to each tool;
// stored bytes; the RSS check; every target with PASS/MISS and its numbers.
import type { ProfileSummary } from './profile.ts';
import { bestRaw, evaluateTargets, SCENARIO_TITLES, SCENARIOS, type BenchResults } from './results.ts';
import type { ToolName } from './tools.ts';

const MiB = 1024 * 1024;
const ratio = (panther: number | undefined, other: number | undefined): string =>
  panther === undefined || other === undefined || other === 0 ? '–' : `${(panther / other).toFixed(2)}`;

/** A markdown table; columns after the first are right-aligned numbers unless `text`. */
function table(header: string[], rows: string[][], text = false): string {
  return [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 || text ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function scenarioTable(r: BenchResults, scenario: (typeof SCENARIOS)[number]): string | null {
  const byTool = r.runs[scenario];
  if (byTool === undefined || Object.keys(byTool).length === 0) return null;
  const p = byTool.panther;
  const rows = (Object.keys(byTool) as ToolName[]).map((tool) => {
    const u = byTool[tool]!;
    return [tool, u.wallS.toFixed(2), u.cpuS.toFixed(2), u.peakRssMiB.toFixed(0), ratio(p?.wallS, u.wallS), ratio(p?.cpuS, u.cpuS)];
  });
  const stream = p?.streamBytes === undefined ? '' : ` — send stream ${(p.streamBytes / MiB).toFixed(1)} MiB`;
  return `### ${SCENARIO_TITLES[scenario]}${stream}\n\n${table(['tool', 'wall s', 'CPU s', 'peak RSS MiB', 'panther ÷ tool (wall)', 'panther ÷ tool (CPU)'], rows)}`;
}

export function renderReport(r: BenchResults): string {
  const parts: string[] = [];
  const d = r.dataset;
  parts.push(`Dataset (--size-gb ${r.options.sizeGb}): s1 ${d.s1.files} files, ${(d.s1.bytes / MiB).toFixed(0)} MiB; s2 ${d.s2.files} files, ${(d.s2.bytes / MiB).toFixed(0)} MiB `
    + `(${d.changes.editedFiles} edited, ${d.changes.deletedFiles} deleted, ${d.changes.addedFiles} added text files, ${d.changes.rewrittenPages} of ${d.shape.dbPages} database pages rewritten, `
    + `a ${(d.changes.addedBinaryBytes / MiB).toFixed(0)} MiB binary added); tiny tree ${r.options.tinyFiles} files, large tiny tree ${r.options.tinyFilesLarge} files, ${r.options.tinyChanges} changed in each; `
    + `month ${r.options.monthDays} days. Built in ${d.buildSeconds.toFixed(0)} s${d.tinyLargeWriteSeconds === undefined ? '' : ` (writing the large tiny tree's files: ${d.tinyLargeWriteSeconds.toFixed(1)} s)`}.`);
  parts.push(`Machine: ${r.machine.cpus} CPUs, ${r.machine.memGiB} GiB, kernel ${r.machine.kernel}; load average ${r.machine.loadBefore.map((x) => x.toFixed(1)).join(' ')} before, ${r.machine.loadAfter.map((x) => x.toFixed(1)).join(' ')} after. `
    + `Versions: ${Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
  for (const scenario of SCENARIOS) {
    const t = scenarioTable(r, scenario);
    if (t !== null) parts.push(t);
    if (scenario === 'restore' && t !== null) {
      const rounds = Object.entries(r.restoreRounds ?? {}) as Array<[ToolName, number[]]>;
      if (rounds.some(([, walls]) => walls.length > 1)) {
        parts.push(`The fastest of ${r.options.restoreRounds} restores per tool, interleaved; every round's wall s: ${rounds.map(([tool, walls]) => `${tool} ${walls.map((w) => w.toFixed(2)).join(', ')}`).join('; ')}.`);
      }
    }
  }
  const stored = Object.entries(r.stored) as Array<[ToolName, number]>;
  if (stored.length > 0) {
    parts.push(`### Stored bytes after s1 and s2\n\n${table(['tool', 'stored MiB', 'panther ÷ tool', 'restore verified'],
      stored.map(([tool, bytes]) => [tool, (bytes / MiB).toFixed(1), ratio(r.stored.panther, bytes), r.restoreVerified[tool] === undefined ? '–' : r.restoreVerified[tool] ? 'yes' : 'NO'])) }`);
  }
  if (r.month !== undefined) parts.push(monthTable(r));
  if (r.rss.length > 0 || r.remoteRss !== undefined) {
    const points = [...r.rss.map((p) => ({ p, where: 'local' })), ...(r.remoteRss === undefined ? [] : [{ p: r.remoteRss, where: 'remote (S3 API, local server, 5 MiB parts)' }])];
    parts.push(`### panther peak RSS against stream size (synthetic stream from stdin; restore to /dev/null)\n\n${table(
      ['repository', 'stream GB', 'backup wall s', 'backup MB/s', 'panther CPU s', 'backup peak RSS MiB', 'restore wall s', 'restore peak RSS MiB'],
      points.map(({ p, where }) => [where, String(p.streamGb), p.backup.wallS.toFixed(1), (p.streamGb * 1000 / p.backup.wallS).toFixed(0), p.backup.cpuS.toFixed(1), p.backup.peakRssMiB.toFixed(0), p.restore.wallS.toFixed(1), p.restore.peakRssMiB.toFixed(0)]),
    )}`);
  }
  if (r.pantherFixed !== undefined) {
    parts.push(`panther's fixed cost per run, measured apart (start Node 24, load the modules, open the repository with an age identity, load the index and the points; no data): wall ${r.pantherFixed.wallS.toFixed(2)} s, CPU ${r.pantherFixed.cpuS.toFixed(2)} s, peak RSS ${r.pantherFixed.peakRssMiB.toFixed(0)} MiB.`);
  }
  if (r.cli !== undefined) {
    const c = r.cli;
    const row = (command: string, wallS: number): string[] => [command, wallS.toFixed(3), (wallS / c.nodeS).toFixed(2)];
    parts.push(`### CLI start-up (median wall of ${c.runs} runs, same Node)\n\n${table(['command', 'wall s', '÷ node -e 0'], [
      row('node -e 0', c.nodeS), row('panther --version (sources)', c.versionS), row('panther snapshot list (sources)', c.snapshotListS),
      ...(c.bundle === undefined ? [] : [row('panther --version (bundle)', c.bundle.versionS), row('panther snapshot list (bundle)', c.bundle.snapshotListS)]),
    ])}`);
  }
  for (const p of r.profile ?? []) parts.push(profileTables(p));
  parts.push(`### Targets\n\n${table(['target', 'result', 'numbers'], evaluateTargets(r).map((t) => [t.target, `**${t.verdict}**`, t.detail]), true)}`);
  if (r.notes.length > 0) parts.push(r.notes.map((n) => `- ${n}`).join('\n'));
  parts.push(`Total run time ${(r.totalSeconds / 60).toFixed(1)} min.`);
  return parts.join('\n\n');
}

function monthTable(r: BenchResults): string {
  const m = r.month!;
  const p = m.stored.panther;
  const rows = (Object.keys(m.stored) as ToolName[]).map((tool) => {
    const u = m.total[tool];
    return [tool, (m.stored[tool]! / MiB).toFixed(1), ratio(p, m.stored[tool]), u === undefined ? '–' : u.wallS.toFixed(1), u === undefined ? '–' : u.cpuS.toFixed(1), u === undefined ? '–' : u.peakRssMiB.toFixed(0)];
  });
  const best = bestRaw(m.stored);
  const streams = m.pantherStreamBytes;
  const daily = streams.slice(1);
  return `### A month of daily backups (day 0 full, then ${m.days} daily incrementals; each day ${m.scale} of the s1 → s2 day)\n\n`
    + `${table(['tool', 'stored MiB', 'panther ÷ tool', 'wall s (all days)', 'CPU s (all days)', 'peak RSS MiB'], rows)}\n\n`
    + `raw and raw2 store a monthly full plus one incremental file a day${best === undefined ? '' : ` (the smaller: ${best.tool})`}. `
    + (daily.length === 0 ? '' : `panther's send streams: day 0 ${(streams[0]! / MiB).toFixed(1)} MiB, daily ${(Math.min(...daily) / MiB).toFixed(1)}–${(Math.max(...daily) / MiB).toFixed(1)} MiB. `)
    + `Days built in ${m.buildSeconds.toFixed(0)} s.`;
}

function profileTables(p: ProfileSummary & { file: string }): string {
  const rows = (list: ProfileSummary['functions']): string[][] => list.map((f) => [f.name, f.location === '' ? '–' : `\`${f.location}\``, f.selfMs.toFixed(0), f.selfPct.toFixed(1)]);
  return `### CPU profile of panther's initial backup (${(p.totalMs / 1000).toFixed(2)} s profiled; ${p.file})\n\n`
    + `Top ${p.functions.length} functions by self time:\n\n${table(['function', 'where', 'self ms', 'self %'], rows(p.functions), true)}\n\n`
    + `Self time by file:\n\n${table(['file', 'self ms', 'self %'], p.files.map((f) => [f.name, f.selfMs.toFixed(0), f.selfPct.toFixed(1)]), true)}`;
}
