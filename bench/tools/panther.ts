// panther through bench/panther-child.ts (the library calls `backup run` and `restore` make).
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, measureDurable, type Step } from '../measure.ts';
import { treeBytes } from '../fsutil.ts';
import type { BackupPoint, Measured, Restored, Tool, ToolContext } from './types.ts';

const CHILD = fileURLToPath(new URL('../panther-child.ts', import.meta.url));
const HOST = 'bench';

export function pantherStep(ctx: ToolContext, mode: string, args: readonly string[]): Step {
  return {
    cmd: process.execPath,
    args: [CHILD, mode, '--repo', ctx.repoDir, '--host', HOST, '--identity-file', ctx.secrets.identityFile, ...args],
    // As the `panther` executable (src/cli/panther.js) runs every command: with Node's compile cache,
    // so a run started again does not strip and compile its modules anew (the first run fills it).
    env: { NODE_COMPILE_CACHE: join(ctx.scratch, 'node-compile-cache') },
  };
}

export function panther(ctx: ToolContext): Tool {
  return {
    name: 'panther',
    async init() {
      await measure([{ cmd: process.execPath, args: [CHILD, 'init', '--repo', ctx.repoDir, '--host', HOST, '--recipient', ctx.secrets.recipient] }], { scratch: ctx.scratch });
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
