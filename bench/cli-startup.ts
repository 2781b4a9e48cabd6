// The CLI's start-up against a bare Node: `node -e 0`, `panther --version` and `panther snapshot
// list --plan P --root R` (a spec host's plan, a root with no snapshots: the command runs fully but
// finds nothing), on the same Node binary, `runs` rounds interleaved, median wall of each. Both
// executables: the sources' (src/cli/panther.js, a clone and the tests) and the bundle's (built
// by run.ts at the start, as `npm run build` does: what the Nix package runs).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderJson } from '../src/render/json.ts';
import { specPlan } from '../test/support/plans.ts';
import { measure, type Step } from './measure.ts';
import type { CliStartup } from './results.ts';
import { NODE_FLAGS } from './tools/panther.ts';

// What `panther` runs (package.json bin): the JS executable that turns on the compile cache.
const PANTHER = fileURLToPath(new URL('../src/cli/panther.js', import.meta.url));

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `bundle`: the bundle's panther.js (run.ts builds it once, as `npm run build` does). */
export async function cliStartup(dir: string, root: string, runs: number, bundle: string): Promise<CliStartup> {
  await mkdir(dir, { recursive: true });
  const plan = join(dir, 'plan.json');
  await writeFile(plan, renderJson(specPlan('yoga')));
  // The compile cache in the bench's own directory, not root's /var/cache/panther (the warm-up round fills it).
  const env = { XDG_CACHE_HOME: join(dir, 'cache') };
  const list = ['snapshot', 'list', '--plan', plan, '--root', root, '--lock', join(dir, 'host.lock')];
  const steps: Record<'node' | 'version' | 'list' | 'bundleVersion' | 'bundleList', Step> = {
    node: { cmd: process.execPath, args: ['-e', '0'] },
    version: { cmd: process.execPath, args: [...NODE_FLAGS, PANTHER, '--version'], env },
    list: { cmd: process.execPath, args: [...NODE_FLAGS, PANTHER, ...list], env },
    bundleVersion: { cmd: process.execPath, args: [...NODE_FLAGS, bundle, '--version'], env },
    bundleList: { cmd: process.execPath, args: [...NODE_FLAGS, bundle, ...list], env },
  };
  const walls: Record<keyof typeof steps, number[]> = { node: [], version: [], list: [], bundleVersion: [], bundleList: [] };
  // One unmeasured round first, so the first measured one does not pay for a cold page cache.
  for (const step of Object.values(steps)) await measure([step], { scratch: dir });
  for (let i = 0; i < runs; i++) {
    for (const key of Object.keys(steps) as Array<keyof typeof steps>) walls[key].push((await measure([steps[key]], { scratch: dir })).wallS);
  }
  return {
    runs, nodeS: median(walls.node), versionS: median(walls.version), snapshotListS: median(walls.list),
    bundle: { versionS: median(walls.bundleVersion), snapshotListS: median(walls.bundleList) },
  };
}
