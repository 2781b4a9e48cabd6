// panther through bench/panther-child.ts (the library calls `backup run` and `restore` make).
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, measureDurable, type Step } from '../measure.ts';
import { treeBytes } from '../fsutil.ts';
import type { BackupPoint, Measured, Restored, Tool, ToolContext } from './types.ts';

const HOST = 'bench';
// The flags every shipped `panther` runs with (its shebang, the Nix wrapper): measured as it ships.
// The one reader of src/cli/node-flags.json outside Nix and the shell (the tests use it too).
export const NODE_FLAGS = JSON.parse(readFileSync(new URL('../../src/cli/node-flags.json', import.meta.url), 'utf8')) as string[];

const SOURCES = fileURLToPath(new URL('../panther-child.ts', import.meta.url));
// What the measured runs start: the bundle's panther-child.js once run.ts has built it (the code as
// the Nix package ships it: dist/, scripts/bundle.ts), the sources until then.
let child = SOURCES;

/** Runs panther-child from `entry` (a bundle's panther-child.js) from now on. */
export function useBundledChild(entry: string): void {
  child = entry;
}

// As the `panther` executable (src/cli/panther.js) runs every command: with Node's compile cache,
// so a run started again does not strip and compile its modules anew (the first run fills it).
const cacheEnv = (ctx: Pick<ToolContext, 'scratch'>): Record<string, string> => ({ NODE_COMPILE_CACHE: join(ctx.scratch, 'node-compile-cache') });

/** `sources`: run the TypeScript sources even when a bundle is in use (a CPU profile then names src/ files). */
export function pantherStep(ctx: Pick<ToolContext, 'scratch' | 'secrets' | 'repoDir'>, mode: string, args: readonly string[], { sources = false } = {}): Step {
  return {
    cmd: process.execPath,
    args: [...NODE_FLAGS, sources ? SOURCES : child, mode, '--repo', ctx.repoDir, '--host', HOST, '--identity-file', ctx.secrets.identityFile, ...args],
    env: cacheEnv(ctx),
  };
}

/** `panther-child init` of a fresh repository at `repoDir` (the master key wrapped for the bench's recipient). */
export function initStep(ctx: Pick<ToolContext, 'scratch' | 'secrets'>, repoDir: string): Step {
  return {
    cmd: process.execPath,
    args: [...NODE_FLAGS, child, 'init', '--repo', repoDir, '--host', HOST, '--recipient', ctx.secrets.recipient],
    env: cacheEnv(ctx),
  };
}

/**
 * Fills the compile cache the measured runs use, as a host's earlier nightly runs have: every
 * module of every mode, through a small backup and restore into a throwaway repository. Without it
 * the first measured run strips TypeScript and loads the stripper (+20–30 MiB RSS, ~0.2 s).
 */
export async function warmPanther(ctx: Pick<ToolContext, 'scratch' | 'secrets'>, { sources = false } = {}): Promise<void> {
  const repoDir = await mkdtemp(join(ctx.scratch, 'panther-warm-'));
  try {
    await measure([initStep(ctx, repoDir)], { scratch: ctx.scratch });
    await measure([pantherStep({ ...ctx, repoDir }, 'warm', [], { sources })], { scratch: ctx.scratch });
  } finally {
    await rm(repoDir, { recursive: true, force: true });
  }
}

export function panther(ctx: ToolContext): Tool {
  return {
    name: 'panther',
    async init() {
      await warmPanther(ctx);
      await measure([initStep(ctx, ctx.repoDir)], { scratch: ctx.scratch });
    },
    async backup(point: BackupPoint): Promise<Measured> {
      const parent = point.parent === undefined ? [] : ['--parent', point.parent];
      const result = join(ctx.scratch, `panther-${basename(point.snapshot)}.json`);
      const usage = await measure([pantherStep(ctx, 'backup', ['--subvolume', ctx.subvolume, '--snapshot', point.snapshot, ...parent, '--result', result])], { scratch: ctx.scratch });
      const { progress: p } = JSON.parse(await readFile(result, 'utf8')) as { progress: { bytesRead: number; newBytes: number; dedupBytes: number } };
      const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;
      return { ...usage, streamBytes: p.bytesRead, detail: `stream ${mib(p.bytesRead)}: new ${mib(p.newBytes)}, already stored ${mib(p.dedupBytes)}` };
    },
    async restore(snapshot: string, _chain: readonly string[], target: string): Promise<Restored> {
      const usage = await measureDurable([pantherStep(ctx, 'restore', ['--point', basename(snapshot), '--to', target])], { scratch: ctx.scratch }, target);
      return { usage, root: join(target, basename(snapshot)) };
    },
    storedBytes: () => treeBytes(ctx.repoDir),
  };
}
