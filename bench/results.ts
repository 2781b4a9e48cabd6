// The plain data one benchmark run produces (what --json prints), and the targets over it.
import type { DataShape, DayOfChanges } from './dataset.ts';
import type { BenchOptions } from './options.ts';
import type { Usage } from './measure.ts';
import type { RssPoint } from './rss.ts';
import type { Measured, ToolName } from './tools.ts';

export const SCENARIOS = ['initial', 'incremental', 'restore', 'tinyInitial', 'tinyIncremental'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const SCENARIO_TITLES: Record<Scenario, string> = {
  initial: 'Initial backup (s1)',
  incremental: 'Incremental backup (s2 after one day of changes)',
  restore: 'Restore of s2 (panther and raw: full + incremental stream)',
  tinyInitial: 'Tiny-file tree, initial backup (t1; informational)',
  tinyIncremental: 'Tiny-file tree, incremental after 100 changed files (t2)',
};

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
  };
  runs: Partial<Record<Scenario, Partial<Record<ToolName, Measured>>>>;
  /** Repository bytes after s1 and s2. */
  stored: Partial<Record<ToolName, number>>;
  /** Restored tree identical to s2 (paths, modes, sizes, contents). */
  restoreVerified: Partial<Record<ToolName, boolean>>;
  rss: RssPoint[];
  /** panther's cost before any data: start Node, load modules, open the repository, load index and points. */
  pantherFixed?: Usage;
  notes: string[];
  totalSeconds: number;
}

export type Verdict = 'PASS' | 'MISS' | 'n/a';

export interface TargetResult {
  target: string;
  verdict: Verdict;
  detail: string;
}

const f2 = (n: number): string => n.toFixed(2);
const MiB = 1024 * 1024;

function ratioTarget(target: string, panther: number | undefined, other: number | undefined, limit: number, what: string, unit: (n: number) => string): TargetResult {
  if (panther === undefined || other === undefined) return { target, verdict: 'n/a', detail: `needs panther and ${what}` };
  const ratio = panther / other;
  return { target, verdict: ratio <= limit ? 'PASS' : 'MISS', detail: `panther ${unit(panther)} vs ${what} ${unit(other)} = ${f2(ratio)}× (limit ${limit}×)` };
}

const secs = (n: number): string => `${n.toFixed(2)} s`;
const mib = (n: number): string => `${(n / MiB).toFixed(1)} MiB`;

export function evaluateTargets(r: BenchResults): TargetResult[] {
  const wall = (s: Scenario, t: ToolName): number | undefined => r.runs[s]?.[t]?.wallS;
  const out: TargetResult[] = [
    ratioTarget('initial backup ≤ 1.25× raw pipeline wall time', wall('initial', 'panther'), wall('initial', 'raw'), 1.25, 'raw', secs),
    ratioTarget('incremental backup ≤ 1.5× raw pipeline wall time', wall('incremental', 'panther'), wall('incremental', 'raw'), 1.5, 'raw', secs),
    ratioTarget('stored bytes after s1+s2 ≤ raw pipeline', r.stored.panther, r.stored.raw, 1, 'raw', mib),
    ratioTarget('stored bytes after s1+s2 ≤ restic', r.stored.panther, r.stored.restic, 1, 'restic', mib),
  ];
  const tinyP = wall('tinyIncremental', 'panther');
  const tinyR = wall('tinyIncremental', 'restic');
  out.push(tinyP === undefined || tinyR === undefined
    ? { target: 'tiny-change incremental ≥ 20× faster than restic', verdict: 'n/a', detail: 'needs panther and restic and the tiny tree' }
    : { target: 'tiny-change incremental ≥ 20× faster than restic', verdict: tinyR / tinyP >= 20 ? 'PASS' : 'MISS', detail: `restic ${secs(tinyR)} ÷ panther ${secs(tinyP)} = ${(tinyR / tinyP).toFixed(1)}× (needs ≥ 20×)` });
  out.push(ratioTarget('restore at least as fast as restic', wall('restore', 'panther'), wall('restore', 'restic'), 1, 'restic', secs));
  const rssValues = [
    ...Object.values(r.runs).map((byTool) => byTool?.panther?.peakRssMiB),
    ...r.rss.flatMap((p) => [p.backup.peakRssMiB, p.restore.peakRssMiB]),
  ].filter((v): v is number => v !== undefined);
  out.push(rssValues.length === 0
    ? { target: 'panther peak RSS < 256 MiB', verdict: 'n/a', detail: 'panther not run' }
    : { target: 'panther peak RSS < 256 MiB', verdict: Math.max(...rssValues) < 256 ? 'PASS' : 'MISS', detail: `largest peak ${Math.max(...rssValues).toFixed(0)} MiB over ${rssValues.length} panther runs` });
  out.push(flatness(r.rss));
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
