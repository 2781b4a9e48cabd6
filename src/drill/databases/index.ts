// The databases of a restored subvolume, each started and checked on the writable copy, one at a
// time (two servers at once would only compete for the drill machine's memory).
import { chmod, mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatabaseCheck } from '../types.ts';
import type { DatabaseDrillContext } from './context.ts';
import { findDatabases, type FindOptions } from './detect.ts';
import { drillPostgres } from './postgres.ts';
import { drillRedis } from './redis.ts';

export { findDatabases, type FindOptions, type FoundDatabase } from './detect.ts';
export { drillPostgres } from './postgres.ts';
export { drillRedis, type RedisDrillContext } from './redis.ts';
export type { DatabaseDrillContext } from './context.ts';

export interface DatabasesDrillContext extends DatabaseDrillContext {
  detect?: FindOptions;
  /** Redis keys read back per instance. */
  sample?: number;
}

/**
 * `root` is a WRITABLE copy of the restored subvolume: the servers recover on it. Each database gets
 * its own directory below `ctx.runDir` (0700, lent to the data's owner), so `ctx.runDir` is opened
 * to traversal (0711) while they run and holds nothing afterwards.
 */
export async function drillDatabases(root: string, ctx: DatabasesDrillContext): Promise<DatabaseCheck[]> {
  const found = await findDatabases(root, { log: ctx.log, ...ctx.detect });
  if (found.length === 0) return [];
  ctx.log(`databases in the restored copy: ${found.map((d) => `${d.kind} in ${JSON.stringify(d.dataDir)}`).join(', ')}`);
  const mode = (await stat(ctx.runDir)).mode & 0o7777;
  await chmod(ctx.runDir, 0o711);
  const checks: DatabaseCheck[] = [];
  try {
    for (const [i, db] of found.entries()) {
      const runDir = join(ctx.runDir, `${i}-${db.kind}`);
      await mkdir(runDir, { mode: 0o700 });
      await chmod(runDir, 0o700);
      try {
        const sub = { ...ctx, runDir };
        checks.push(db.kind === 'postgres' ? await drillPostgres(root, db.dataDir, sub) : await drillRedis(root, db.dataDir, sub));
      } finally {
        await rm(runDir, { recursive: true, force: true });
      }
    }
  } finally {
    await chmod(ctx.runDir, mode);
  }
  return checks;
}
