// The measured part: every selected tool on the same snapshots, one scenario after the other —
// initial backup, incremental, stored bytes, restore (verified against s2), the tiny-file tree, the
// large tiny-file tree, the month of daily backups; then (not timed against the tools) panther's
// CPU profile of the initial backup and the CLI's start-up.
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { cliStartup } from './cli-startup.ts';
import { removeTarget, settleDeletions } from './fsutil.ts';
import type { BenchOptions } from './options.ts';
import { summariseProfile, type CpuProfile } from './profile.ts';
import type { BenchResults, MonthResult, Scenario } from './results.ts';
import { measure, type Usage } from './measure.ts';
import { createTool, type Measured as ToolMeasured, type Secrets, type Tool, type ToolContext, type ToolName } from './tools.ts';
import { pantherStep, warmPanther } from './tools/panther.ts';
import { treeDigest, type TreeDigest } from './verify.ts';

export interface World {
  dir: string;
  mnt: string;
  secrets: Secrets;
  snapshots: { s1: string; s2: string; t1: string | null; t2: string | null; tl1: string | null; tl2: string | null };
  /** The month scenario's snapshots, day 0 first (empty: skipped). */
  month: { snapshots: string[]; scale: number; buildSeconds: number };
  s2: TreeDigest;
  /** The bundle's panther.js (built by run.ts, as `npm run build` does). */
  bundle: string;
}

type Log = (line: string) => void;
type Measured = Pick<BenchResults, 'runs' | 'stored' | 'restoreVerified' | 'restoreRounds' | 'pantherFixed' | 'month' | 'cli' | 'profile'>;
type Set = 'data' | 'tiny' | 'tinyLarge' | 'month' | 'profile';

const SUBVOLUME: Record<Set, string> = { data: '@data', tiny: '@tiny', tinyLarge: '@tinyL', month: '@data', profile: '@data' };

function contextFor(world: World, name: ToolName, set: Set): ToolContext {
  return {
    repoDir: join(world.dir, 'repos', set, name),
    scratch: join(world.dir, 'scratch', `${name}-${set}`),
    secrets: world.secrets,
    viewDir: join(world.dir, `view-${set}`),
    subvolume: SUBVOLUME[set],
  };
}

async function toolsFor(world: World, names: readonly ToolName[], set: Set): Promise<Tool[]> {
  const tools: Tool[] = [];
  for (const name of names) {
    const ctx = contextFor(world, name, set);
    for (const d of [ctx.repoDir, ctx.scratch, ctx.viewDir]) await mkdir(d, { recursive: true });
    const tool = createTool(name, ctx);
    await tool.init();
    tools.push(tool);
  }
  return tools;
}

/** Tools of the month and the large tiny tree: borg is left out to keep the run short. */
const withoutBorg = (tools: readonly ToolName[]): ToolName[] => tools.filter((t) => t !== 'borg');

export async function runScenarios(world: World, opts: BenchOptions, log: Log): Promise<Measured> {
  const out: Measured = { runs: {}, stored: {}, restoreVerified: {} };
  const record = (scenario: Scenario, tool: ToolName, u: ToolMeasured): void => {
    (out.runs[scenario] ??= {})[tool] = u;
    log(`${scenario} ${tool}: wall ${u.wallS.toFixed(2)} s, CPU ${u.cpuS.toFixed(2)} s, peak RSS ${u.peakRssMiB.toFixed(0)} MiB${u.detail === undefined ? '' : ` (${u.detail})`}`);
  };
  const { s1, s2, t1, t2, tl1, tl2 } = world.snapshots;

  const data = await toolsFor(world, opts.tools, 'data');
  for (const tool of data) record('initial', tool.name, await tool.backup({ snapshot: s1 }));
  for (const tool of data) record('incremental', tool.name, await tool.backup({ snapshot: s2, parent: s1 }));
  for (const tool of data) out.stored[tool.name] = await tool.storedBytes();
  // Every restore starts from the same filesystem. One untimed receive first, so that no tool (the
  // first to restore) pays for the filesystem's first large write; and each restore deleted, the
  // deletion finished and every filesystem synced before the next one starts, so that none runs
  // beside the cleaner or the write-back of what the tools before it wrote.
  // Measured apart: a first receive into a fresh filesystem 5.3 s against 3.9–4.7 s later, and a
  // deleted restore's cleanup 25–35 s.
  if (data.length > 0) await warmRestoreTarget(world, s1, log);
  // Each tool restores opts.restoreRounds times, the tools interleaved (A B C A B C), and the fastest
  // round counts: on the bench's VM the same restore moves by 1–2 s from one moment to the next
  // (docs/BENCHMARK.md round 6: the first restore after the warm-up was the slowest, whichever tool).
  const best = new Map<ToolName, ToolMeasured>();
  out.restoreRounds = {};
  for (let round = 1; round <= opts.restoreRounds; round++) {
    for (const tool of data) {
      const target = join(world.mnt, opts.restoreRounds > 1 ? `restore-${tool.name}-${round}` : `restore-${tool.name}`);
      await mkdir(target);
      const restored = await tool.restore(s2, [s1, s2], target);
      (out.restoreRounds[tool.name] ??= []).push(restored.usage.wallS);
      if (opts.restoreRounds > 1) log(`restore ${tool.name}, round ${round} of ${opts.restoreRounds}: wall ${restored.usage.wallS.toFixed(2)} s, CPU ${restored.usage.cpuS.toFixed(2)} s`);
      const previous = best.get(tool.name);
      if (previous === undefined || restored.usage.wallS < previous.wallS) best.set(tool.name, restored.usage);
      const digest = await treeDigest(restored.root);
      const same = digest.digest === world.s2.digest;
      out.restoreVerified[tool.name] = (out.restoreVerified[tool.name] ?? true) && same;
      if (!same) log(`restore ${tool.name}: DIFFERS from s2 (${digest.files} files, ${digest.bytes} bytes; s2 has ${world.s2.files}, ${world.s2.bytes})`);
      if (!opts.keep) { await removeTarget(target); await settleDeletions(world.mnt); }
    }
  }
  for (const tool of data) record('restore', tool.name, best.get(tool.name)!);

  if (t1 !== null && t2 !== null) {
    const tiny = await toolsFor(world, opts.tools, 'tiny');
    for (const tool of tiny) record('tinyInitial', tool.name, await tool.backup({ snapshot: t1 }));
    for (const tool of tiny) record('tinyIncremental', tool.name, await tool.backup({ snapshot: t2, parent: t1 }));
    const panther = tiny.find((t) => t.name === 'panther');
    if (panther !== undefined) {
      const ctx = contextFor(world, 'panther', 'tiny');
      out.pantherFixed = await measure([pantherStep(ctx, 'open', [])], { scratch: ctx.scratch });
      log(`panther fixed cost (start, open, load index and points): ${out.pantherFixed.wallS.toFixed(2)} s`);
    }
  }

  if (tl1 !== null && tl2 !== null) {
    const large = await toolsFor(world, withoutBorg(opts.tools).filter((t) => t !== 'raw2'), 'tinyLarge');
    for (const tool of large) record('tinyLargeInitial', tool.name, await tool.backup({ snapshot: tl1 }));
    for (const tool of large) record('tinyLargeIncremental', tool.name, await tool.backup({ snapshot: tl2, parent: tl1 }));
  }

  if (world.month.snapshots.length > 1) out.month = await runMonth(world, opts, log);
  if (opts.cpuProfileDir !== undefined && opts.tools.includes('panther')) out.profile = await profileInitial(world, opts.cpuProfileDir, log);
  log('CLI start-up: node -e 0, panther --version, panther snapshot list (10 rounds)');
  out.cli = await cliStartup(join(world.dir, 'cli'), world.mnt, 10, world.bundle);
  log(`CLI start-up medians: node -e 0 ${out.cli.nodeS.toFixed(3)} s; sources: --version ${out.cli.versionS.toFixed(3)} s, snapshot list ${out.cli.snapshotListS.toFixed(3)} s; bundle: --version ${out.cli.bundle!.versionS.toFixed(3)} s, snapshot list ${out.cli.bundle!.snapshotListS.toFixed(3)} s`);
  return out;
}

const addUsage = (a: Usage | undefined, b: Usage): Usage => a === undefined ? { ...b, processes: [] } : {
  wallS: a.wallS + b.wallS, userS: a.userS + b.userS, sysS: a.sysS + b.sysS, cpuS: a.cpuS + b.cpuS, peakRssMiB: Math.max(a.peakRssMiB, b.peakRssMiB), processes: [],
};

/** Day 0 a full backup, then each day on top of the day before: one repository (raw: one file a day). */
async function runMonth(world: World, opts: BenchOptions, log: Log): Promise<MonthResult> {
  const snaps = world.month.snapshots;
  const tools = await toolsFor(world, withoutBorg(opts.tools), 'month');
  const result: MonthResult = { days: snaps.length - 1, scale: world.month.scale, buildSeconds: world.month.buildSeconds, stored: {}, total: {}, pantherStreamBytes: [] };
  for (let day = 0; day < snaps.length; day++) {
    const line: string[] = [];
    for (const tool of tools) {
      const u = await tool.backup(day === 0 ? { snapshot: snaps[0]! } : { snapshot: snaps[day]!, parent: snaps[day - 1]! });
      result.total[tool.name] = addUsage(result.total[tool.name], u);
      if (tool.name === 'panther' && u.streamBytes !== undefined) result.pantherStreamBytes.push(u.streamBytes);
      line.push(`${tool.name} ${u.wallS.toFixed(2)} s`);
    }
    log(`month day ${day}: ${line.join(', ')}`);
  }
  for (const tool of tools) result.stored[tool.name] = await tool.storedBytes();
  log(`month stored: ${Object.entries(result.stored).map(([t, b]) => `${t} ${(b / 2 ** 20).toFixed(1)} MiB`).join(', ')}`);
  return result;
}

/** s1 backed up once more into a fresh repository under `node --cpu-prof`; every new profile summarised. */
async function profileInitial(world: World, dir: string, log: Log): Promise<NonNullable<Measured['profile']>> {
  await mkdir(dir, { recursive: true });
  const before = new Set(await readdir(dir));
  const ctx = contextFor(world, 'panther', 'profile');
  for (const d of [ctx.repoDir, ctx.scratch]) await mkdir(d, { recursive: true });
  await createTool('panther', ctx).init();
  const step = pantherStep(ctx, 'backup', ['--subvolume', ctx.subvolume, '--snapshot', world.snapshots.s1], { sources: true });
  await warmPanther(ctx, { sources: true });
  log(`profiling panther's initial backup into ${dir}`);
  const u = await measure([{ ...step, args: ['--cpu-prof', '--cpu-prof-dir', dir, ...step.args] }], { scratch: ctx.scratch });
  log(`profiled run: wall ${u.wallS.toFixed(2)} s, CPU ${u.cpuS.toFixed(2)} s (with the profiler's overhead)`);
  const root = new URL('..', import.meta.url).pathname;
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile') && !before.has(f)).sort();
  const out: NonNullable<Measured['profile']> = [];
  for (const f of files) {
    const path = join(dir, f);
    const summary = summariseProfile(JSON.parse(await readFile(path, 'utf8')) as CpuProfile, root, 15);
    out.push({ ...summary, file: path });
    log(`profile ${path} (${((await stat(path)).size / 2 ** 20).toFixed(1)} MiB): ${(summary.totalMs / 1000).toFixed(2)} s profiled`);
  }
  return out;
}

/** An untimed `btrfs send s1 | btrfs receive` into the filesystem, deleted and its deletion finished. */
async function warmRestoreTarget(world: World, s1: string, log: Log): Promise<void> {
  const target = join(world.mnt, 'restore-warm-up');
  const scratch = join(world.dir, 'scratch', 'restore-warm-up');
  await mkdir(target);
  await mkdir(scratch, { recursive: true });
  log('restore: one untimed receive of s1 first, deleted before the measured restores');
  await measure([{ cmd: 'btrfs', args: ['send', '-q', s1] }, { cmd: 'btrfs', args: ['receive', '-q', target] }], { scratch });
  await removeTarget(target);
  await settleDeletions(world.mnt);
}
