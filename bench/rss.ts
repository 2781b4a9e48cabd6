// Panther's peak RSS against stream size: the same kind of synthetic stream at each size (2 and
// 8 GB by default) backed up from stdin into a fresh repository, then restored to /dev/null
// (`panther restore --stdout`). Flat means the bigger stream's peak is within 10 % (or 16 MiB) of
// the smaller one's.
//
// And once into a remote repository, where users run it: the same stream through the S3 API to the
// local S3 server the demo uses (src/demo/local-s3.ts, fauxqs, in this process; panther is the only
// process measured), with 5 MiB parts (the server refuses bodies over 11 MiB).
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, type Step, type Usage } from './measure.ts';
import { initStep, pantherStep, warmPanther } from './tools/panther.ts';
import { localS3Url, startLocalS3 } from '../src/demo/local-s3.ts';
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

/** Init, back up a `streamGb` stream from the generator, restore it to /dev/null; `env` on top of each panther step's. */
async function measurePoint(ctx: ToolContext, streamGb: number, env: Record<string, string>, log: (l: string) => void): Promise<RssPoint> {
  const withEnv = (step: Step): Step => ({ ...step, env: { ...step.env, ...env } });
  await measure([withEnv(initStep(ctx, ctx.repoDir))], { scratch: ctx.scratch });
  log(`rss: backing up a ${streamGb} GB stream`);
  const backup = await measure([
    { cmd: process.execPath, args: [GEN, String(Math.round(streamGb * GB))] },
    withEnv(pantherStep(ctx, 'backup-stdin', ['--subvolume', '@stream', '--name', `stream-${streamGb}`])),
  ], { scratch: ctx.scratch });
  log(`rss: restoring it to /dev/null`);
  const restore = await measure([withEnv(pantherStep(ctx, 'restore-stdout', ['--point', `stream-${streamGb}`]))], { scratch: ctx.scratch });
  return { streamGb, backup: pantherOnly(backup), restore };
}

export async function rssCheck(base: Omit<ToolContext, 'repoDir'>, where: string, sizesGb: readonly number[], log: (l: string) => void): Promise<RssPoint[]> {
  const points: RssPoint[] = [];
  await mkdir(base.scratch, { recursive: true });
  await warmPanther(base);
  for (const streamGb of sizesGb) {
    const ctx: ToolContext = { ...base, repoDir: join(where, `rss-${streamGb}`) };
    await mkdir(ctx.repoDir, { recursive: true });
    try {
      points.push(await measurePoint(ctx, streamGb, {}, log));
    } finally {
      await rm(ctx.repoDir, { recursive: true, force: true });
    }
  }
  return points;
}

/** The same through the S3 API: a local S3 server keeping its objects under `where`. */
export async function remoteRssCheck(base: Omit<ToolContext, 'repoDir'>, where: string, streamGb: number, log: (l: string) => void): Promise<RssPoint> {
  const dataDir = join(where, 'rss-remote');
  await mkdir(dataDir, { recursive: true });
  await mkdir(base.scratch, { recursive: true });
  await warmPanther(base);
  const server = await startLocalS3(dataDir, ['panther-bench']);
  try {
    const url = await localS3Url(server, 'panther-bench', 'rss', join(base.scratch, 'b2-key'));
    log(`rss: a remote repository (local S3 server at ${server.endpoint})`);
    // The spool (<state dir>/spool) on the bench's disk, as the backup service's StateDirectory.
    return await measurePoint({ ...base, repoDir: url }, streamGb, { PANTHER_STATE_DIR: join(base.scratch, 'state') }, log);
  } finally {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
