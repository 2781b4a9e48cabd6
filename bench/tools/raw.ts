// The raw pipelines a user could script, as three processes joined by kernel pipes (no shell):
//   raw   `btrfs send [-p parent] | zstd -3 -T0 | age -r RECIPIENT > file`
//   raw2  the same with `btrfs send --proto 2 --compressed-data`: extents btrfs already compressed
//         travel as they are on disk, so zstd mostly sees (and cannot shrink) compressed data.
// Restore: `age -d -i IDENTITY file | zstd -d | btrfs receive` for the full stream, then each incremental.
import { basename, join } from 'node:path';
import { measureDurable, measureFsynced, type Usage } from '../measure.ts';
import { treeBytes } from '../fsutil.ts';
import type { BackupPoint, Restored, Tool, ToolContext } from './types.ts';

const fileOf = (ctx: ToolContext, snapshot: string): string => join(ctx.repoDir, `${basename(snapshot)}.btrfs.zst.age`);

function pipelineTool(name: 'raw' | 'raw2', sendOptions: readonly string[], ctx: ToolContext): Tool {
  return {
    name,
    async init() { /* the directory is the repository */ },
    backup(point: BackupPoint) {
      const parent = point.parent === undefined ? [] : ['-p', point.parent];
      return measureFsynced([
        { cmd: 'btrfs', args: ['send', '-q', ...sendOptions, ...parent, '--', point.snapshot] },
        { cmd: 'zstd', args: ['-3', '-T0', '-q', '-c'] },
        { cmd: 'age', args: ['-r', ctx.secrets.recipient] },
      ], { scratch: ctx.scratch, stdoutFile: fileOf(ctx, point.snapshot) }, fileOf(ctx, point.snapshot));
    },
    async restore(snapshot: string, chain: readonly string[], target: string): Promise<Restored> {
      const total: Usage = { wallS: 0, userS: 0, sysS: 0, cpuS: 0, peakRssMiB: 0 };
      for (const link of chain) {
        const u = await measureDurable([
          { cmd: 'age', args: ['-d', '-i', ctx.secrets.identityFile, fileOf(ctx, link)] },
          { cmd: 'zstd', args: ['-d', '-q', '-c'] },
          { cmd: 'btrfs', args: ['receive', '-q', '-e', '--', target] },
        ], { scratch: ctx.scratch }, target);
        total.wallS += u.wallS; total.userS += u.userS; total.sysS += u.sysS; total.cpuS += u.cpuS;
        total.peakRssMiB = Math.max(total.peakRssMiB, u.peakRssMiB);
      }
      return { usage: total, root: join(target, basename(snapshot)) };
    },
    storedBytes: () => treeBytes(ctx.repoDir),
  };
}

export const raw = (ctx: ToolContext): Tool => pipelineTool('raw', [], ctx);
export const raw2 = (ctx: ToolContext): Tool => pipelineTool('raw2', ['--proto', '2', '--compressed-data'], ctx);
