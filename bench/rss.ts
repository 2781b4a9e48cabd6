// Panther's peak RSS against stream size: the same kind of synthetic stream at each size (2 and
// 8 GB by default) backed up from stdin into a fresh repository, then restored to /dev/null
// (`panther restore --stdout`). Flat means the bigger stream's peak is within 10 % (or 16 MiB) of
// the smaller one's.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, type Usage } from './measure.ts';
import { initStep, pantherStep, warmPanther } from './tools/panther.ts';
import type { ToolContext } from './tools/types.ts';

const GEN = fileURLToPath(new URL('./stream-gen.ts', import.meta.url));
const GB = 1e9;

export interface RssPoint {
  streamGb: number;
  /** The panther process only (the generator is measured apart). */
  backup: Usage;
  restore: Usage;
}

/** The pipeline's second process is panther; the generator's CPU and memory are not panther's. */
function pantherOnly(u: Usage): Usage {
  const p = u.processes?.[1];
  return p === undefined ? u : { ...u, userS: 0, sysS: 0, cpuS: p.cpuS, peakRssMiB: p.peakRssMiB };
}

export async function rssCheck(base: Omit<ToolContext, 'repoDir'>, where: string, sizesGb: readonly number[], log: (l: string) => void): Promise<RssPoint[]> {
  const points: RssPoint[] = [];
  await mkdir(base.scratch, { recursive: true });
  await warmPanther(base);
  for (const streamGb of sizesGb) {
    const ctx: ToolContext = { ...base, repoDir: join(where, `rss-${streamGb}`) };
    await mkdir(ctx.repoDir, { recursive: true });
    try {
      await measure([initStep(ctx, ctx.repoDir)], { scratch: ctx.scratch });
      log(`rss: backing up a ${streamGb} GB stream`);
      const backup = await measure([
        { cmd: process.execPath, args: [GEN, String(Math.round(streamGb * GB))] },
        pantherStep(ctx, 'backup-stdin', ['--subvolume', '@stream', '--name', `stream-${streamGb}`]),
      ], { scratch: ctx.scratch });
      log(`rss: restoring it to /dev/null`);
      const restore = await measure([pantherStep(ctx, 'restore-stdout', ['--point', `stream-${streamGb}`])], { scratch: ctx.scratch });
      points.push({ streamGb, backup: pantherOnly(backup), restore });
    } finally {
      await rm(ctx.repoDir, { recursive: true, force: true });
    }
  }
  return points;
}
