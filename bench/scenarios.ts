// The measured part: every selected tool on the same snapshots, one scenario after the other —
// initial backup, incremental, stored bytes, restore (verified against s2), then the tiny-file tree.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { removeTarget } from './fsutil.ts';
import type { BenchOptions } from './options.ts';
import type { BenchResults, Scenario } from './results.ts';
import { measure } from './measure.ts';
import { createTool, type Measured as ToolMeasured, type Secrets, type Tool, type ToolContext, type ToolName } from './tools.ts';
import { pantherStep } from './tools/panther.ts';
import { treeDigest, type TreeDigest } from './verify.ts';

export interface World {
  dir: string;
  mnt: string;
  secrets: Secrets;
  snapshots: { s1: string; s2: string; t1: string | null; t2: string | null };
  s2: TreeDigest;
}

type Log = (line: string) => void;
type Measured = Pick<BenchResults, 'runs' | 'stored' | 'restoreVerified' | 'pantherFixed'>;

function contextFor(world: World, name: ToolName, set: 'data' | 'tiny'): ToolContext {
  return {
    repoDir: join(world.dir, 'repos', set, name),
    scratch: join(world.dir, 'scratch', `${name}-${set}`),
    secrets: world.secrets,
    viewDir: join(world.dir, `view-${set}`),
    subvolume: set === 'data' ? '@data' : '@tiny',
  };
}

async function toolsFor(world: World, names: readonly ToolName[], set: 'data' | 'tiny'): Promise<Tool[]> {
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

export async function runScenarios(world: World, opts: BenchOptions, log: Log): Promise<Measured> {
  const out: Measured = { runs: {}, stored: {}, restoreVerified: {} };
  const record = (scenario: Scenario, tool: ToolName, u: ToolMeasured): void => {
    (out.runs[scenario] ??= {})[tool] = u;
    log(`${scenario} ${tool}: wall ${u.wallS.toFixed(2)} s, CPU ${u.cpuS.toFixed(2)} s, peak RSS ${u.peakRssMiB.toFixed(0)} MiB${u.detail === undefined ? '' : ` (${u.detail})`}`);
  };
  const { s1, s2, t1, t2 } = world.snapshots;

  const data = await toolsFor(world, opts.tools, 'data');
  for (const tool of data) record('initial', tool.name, await tool.backup({ snapshot: s1 }));
  for (const tool of data) record('incremental', tool.name, await tool.backup({ snapshot: s2, parent: s1 }));
  for (const tool of data) out.stored[tool.name] = await tool.storedBytes();
  for (const tool of data) {
    const target = join(world.mnt, `restore-${tool.name}`);
    await mkdir(target);
    const restored = await tool.restore(s2, [s1, s2], target);
    record('restore', tool.name, restored.usage);
    const digest = await treeDigest(restored.root);
    out.restoreVerified[tool.name] = digest.digest === world.s2.digest;
    if (!out.restoreVerified[tool.name]) log(`restore ${tool.name}: DIFFERS from s2 (${digest.files} files, ${digest.bytes} bytes; s2 has ${world.s2.files}, ${world.s2.bytes})`);
    if (!opts.keep) await removeTarget(target);
  }

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
  return out;
}
