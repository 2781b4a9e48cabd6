// The plain data one benchmark run produces (what --json prints), and the targets over it.
// Raw-pipeline targets compare panther with the BEST raw pipeline of each scenario: the faster (or,
// for stored bytes, the smaller) of `raw` and `raw2`, named in the result.
import type { DataShape, DayOfChanges } from './dataset.ts';
import type { BenchOptions } from './options.ts';
import type { Usage } from './measure.ts';
import type { ProfileSummary } from './profile.ts';
import type { RssPoint } from './rss.ts';
import type { Measured, ToolName } from './tools.ts';

export const SCENARIOS = ['initial', 'incremental', 'restore', 'tinyInitial', 'tinyIncremental', 'tinyLargeInitial', 'tinyLargeIncremental'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const SCENARIO_TITLES: Record<Scenario, string> = {
  initial: 'Initial backup (s1)',
  incremental: 'Incremental backup (s2 after one day of changes)',
  restore: 'Restore of s2 (panther, raw, raw2: full + incremental stream)',
  tinyInitial: 'Tiny-file tree, initial backup (t1; informational)',
  tinyIncremental: 'Tiny-file tree, incremental after the changed files (t2)',
  tinyLargeInitial: 'Large tiny-file tree, initial backup (informational)',
  tinyLargeIncremental: 'Large tiny-file tree, incremental after the changed files',
};

export const RAW_TOOLS = ['raw', 'raw2'] as const satisfies readonly ToolName[];

/** The month scenario: a full backup on day 0, then one a day on top of the previous day. */
export interface MonthResult {
  days: number;
  /** Share of a full "one day of changes" each simulated day makes. */
  scale: number;
  buildSeconds: number;
  /** Repository bytes (raw: the full file plus every daily incremental file) after the last day. */
  stored: Partial<Record<ToolName, number>>;
  /** Summed over all days (peak RSS: the largest of them). */
  total: Partial<Record<ToolName, Usage>>;
  /** Per day, the panther send stream's size (day 0 first). */
  pantherStreamBytes: number[];
}

/** Median wall time of `runs` start-ups of each command: the sources' executable, and the bundle's. */
export interface CliStartup {
  runs: number;
  nodeS: number;
  versionS: number;
  snapshotListS: number;
  /** The bundled CLI (`npm run build`, what the Nix package runs); the targets judge it when measured. */
  bundle?: { versionS: number; snapshotListS: number };
}

export interface BenchResults {
  options: BenchOptions;
  machine: { cpus: number; memGiB: number; kernel: string; loadBefore: number[]; loadAfter: number[] };
  versions: Record<string, string>;
  dataset: {
    shape: DataShape;
    changes: DayOfChanges;
    s1: { files: number; bytes: number };
    s2: { files: number; bytes: number };
    buildSeconds: number;
    /** Seconds to write the large tiny tree's files (not counting the snapshot). */
    tinyLargeWriteSeconds?: number;
  };
  runs: Partial<Record<Scenario, Partial<Record<ToolName, Measured>>>>;
  /** Repository bytes after s1 and s2. */
  stored: Partial<Record<ToolName, number>>;
  /** Restored tree identical to s2 (paths, modes, sizes, contents), in every round. */
  restoreVerified: Partial<Record<ToolName, boolean>>;
  /** Wall seconds of each round of each tool's restore (runs.restore holds the fastest). */
  restoreRounds?: Partial<Record<ToolName, number[]>>;
  rss: RssPoint[];
  /** The RSS check once into a remote repository (the local S3 server). */
  remoteRss?: RssPoint;
  /** panther's cost before any data: start Node, load modules, open the repository, load index and points. */
  pantherFixed?: Usage;
  month?: MonthResult;
  cli?: CliStartup;
  /** Self-time summaries of panther's initial backup under `node --cpu-prof`, one per profiled thread. */
  profile?: Array<ProfileSummary & { file: string }>;
  notes: string[];
  totalSeconds: number;
}

export type Verdict = 'PASS' | 'MISS' | 'n/a';

export interface TargetResult {
  target: string;
  verdict: Verdict;
  detail: string;
}

/** The raw pipeline with the smallest value (faster wall time, fewer bytes), if any ran. */
export function bestRaw(values: Partial<Record<ToolName, number>> | undefined): { tool: ToolName; value: number } | undefined {
  let best: { tool: ToolName; value: number } | undefined;
  for (const tool of RAW_TOOLS) {
    const value = values?.[tool];
    if (value !== undefined && (best === undefined || value < best.value)) best = { tool, value };
  }
  return best;
}

const f2 = (n: number): string => n.toFixed(2);
const MiB = 1024 * 1024;
const secs = (n: number): string => `${n.toFixed(2)} s`;
const mib = (n: number): string => `${(n / MiB).toFixed(1)} MiB`;

/** panther ÷ other ≤ limit. */
function ratioTarget(target: string, panther: number | undefined, other: { tool: string; value: number } | undefined, limit: number, unit: (n: number) => string, needs: string): TargetResult {
  if (panther === undefined || other === undefined) return { target, verdict: 'n/a', detail: `needs panther and ${needs}` };
  const ratio = panther / other.value;
  return { target, verdict: ratio <= limit ? 'PASS' : 'MISS', detail: `panther ${unit(panther)} vs ${other.tool} ${unit(other.value)} = ${f2(ratio)}× (limit ${limit}×)` };
}

/** restic wall ÷ panther wall ≥ factor. */
function speedupTarget(target: string, panther: number | undefined, restic: number | undefined, factor: number, needs: string): TargetResult {
  if (panther === undefined || restic === undefined) return { target, verdict: 'n/a', detail: `needs panther and restic${needs}` };
  const speedup = restic / panther;
  return { target, verdict: speedup >= factor ? 'PASS' : 'MISS', detail: `restic ${secs(restic)} ÷ panther ${secs(panther)} = ${speedup.toFixed(1)}× (needs ≥ ${factor}×)` };
}

const pick = (values: Partial<Record<ToolName, number>> | undefined, tool: ToolName): { tool: ToolName; value: number } | undefined => {
  const value = values?.[tool];
  return value === undefined ? undefined : { tool, value };
};

/** The smaller of two candidates (either may be missing). */
const smaller = (a: { tool: ToolName; value: number } | undefined, b: { tool: ToolName; value: number } | undefined): { tool: ToolName; value: number } | undefined =>
  a === undefined || b === undefined ? undefined : (b.value < a.value ? b : a);

/** Every panther peak RSS of the run (scenarios, month, RSS checks, the remote one included). */
export function pantherPeaks(r: BenchResults): number[] {
  return [
    ...Object.values(r.runs).map((byTool) => byTool?.panther?.peakRssMiB),
    r.month?.total.panther?.peakRssMiB,
    ...[...r.rss, ...(r.remoteRss === undefined ? [] : [r.remoteRss])].flatMap((p) => [p.backup.peakRssMiB, p.restore.peakRssMiB]),
  ].filter((v): v is number => v !== undefined);
}

/** A tree's size for a target's name; a skipped tree (0 files) by what it is. */
const treeSize = (files: number, skipped: string): string => (files > 0 ? `${files.toLocaleString('en')} files` : skipped);

export function evaluateTargets(r: BenchResults): TargetResult[] {
  const walls = (s: Scenario): Partial<Record<ToolName, number>> =>
    Object.fromEntries(Object.entries(r.runs[s] ?? {}).map(([tool, u]) => [tool, u.wallS]));
  const out: TargetResult[] = [
    ratioTarget('initial backup ≤ 1.25× best raw pipeline wall time', walls('initial').panther, bestRaw(walls('initial')), 1.25, secs, 'raw or raw2'),
    ratioTarget('incremental backup ≤ 1.5× best raw pipeline wall time', walls('incremental').panther, bestRaw(walls('incremental')), 1.5, secs, 'raw or raw2'),
    speedupTarget('restore ≥ 1.5× faster than restic', walls('restore').panther, walls('restore').restic, 1.5, ''),
    ratioTarget('stored bytes after s1+s2 ≤ min(best raw, restic)', r.stored.panther, smaller(bestRaw(r.stored), pick(r.stored, 'restic')), 1, mib, 'raw or raw2, and restic'),
    ratioTarget('stored bytes after the month ≥ 20 % below best raw (monthly full + daily incrementals)', r.month?.stored.panther, bestRaw(r.month?.stored), 0.8, mib, 'raw or raw2 and --month-days > 0'),
    ratioTarget('stored bytes after the month ≤ restic', r.month?.stored.panther, pick(r.month?.stored, 'restic'), 1, mib, 'restic and --month-days > 0'),
    speedupTarget(`tiny-change incremental (${treeSize(r.options.tinyFiles, 'the tiny tree')}) ≥ 20× faster than restic`, walls('tinyIncremental').panther, walls('tinyIncremental').restic, 20, ' and the tiny tree'),
    speedupTarget(`tiny-change incremental (${treeSize(r.options.tinyFilesLarge, 'the large tiny tree')}) ≥ 100× faster than restic`, walls('tinyLargeIncremental').panther, walls('tinyLargeIncremental').restic, 100, ' and the large tiny tree'),
  ];
  const peaks = pantherPeaks(r);
  out.push(peaks.length === 0
    ? { target: 'panther peak RSS ≤ 128 MiB', verdict: 'n/a', detail: 'panther not run' }
    : { target: 'panther peak RSS ≤ 128 MiB', verdict: Math.max(...peaks) <= 128 ? 'PASS' : 'MISS', detail: `largest peak ${Math.max(...peaks).toFixed(0)} MiB over ${peaks.length} panther runs` });
  out.push(flatness(r.rss));
  // What the package runs: the bundle when it was measured (older results have the sources only).
  const cli = r.cli?.bundle ?? r.cli;
  const which = r.cli?.bundle === undefined ? '' : 'bundle, ';
  for (const [what, value] of [['panther --version', cli?.versionS], ['panther snapshot list', cli?.snapshotListS]] as const) {
    const target = `CLI start-up (${what}) ≤ 1.5× node -e 0`;
    out.push(value === undefined || r.cli === undefined
      ? { target, verdict: 'n/a', detail: 'not measured' }
      : { target, verdict: value / r.cli.nodeS <= 1.5 ? 'PASS' : 'MISS', detail: `${which}median of ${r.cli.runs}: ${secs(value)} vs ${secs(r.cli.nodeS)} = ${f2(value / r.cli.nodeS)}× (limit 1.5×)` });
  }
  return out;
}

function flatness(points: readonly RssPoint[]): TargetResult {
  const target = 'panther peak RSS flat from the smaller to the larger stream';
  if (points.length < 2) return { target, verdict: 'n/a', detail: points.length === 0 ? 'RSS check skipped (--rss-sizes none)' : `only one stream size (${points[0]!.streamGb} GB) measured: flatness not checked` };
  const small = points[0]!;
  const big = points.at(-1)!;
  const ok = (a: number, b: number): boolean => b <= Math.max(a * 1.1, a + 16);
  const pass = ok(small.backup.peakRssMiB, big.backup.peakRssMiB) && ok(small.restore.peakRssMiB, big.restore.peakRssMiB);
  return {
    target, verdict: pass ? 'PASS' : 'MISS',
    detail: `backup ${small.backup.peakRssMiB.toFixed(0)} → ${big.backup.peakRssMiB.toFixed(0)} MiB, restore ${small.restore.peakRssMiB.toFixed(0)} → ${big.restore.peakRssMiB.toFixed(0)} MiB from ${small.streamGb} to ${big.streamGb} GB (flat = within 10 % or 16 MiB)`,
  };
}
