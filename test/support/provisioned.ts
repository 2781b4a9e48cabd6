// A spec host's plan provisioned onto loop devices and mounted below a temporary root, for tests
// that need the real layout (snapshots, backups). Cleanup is the loop fixture's: unmount, detach, rm.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { provision, targetPlan, unmountRoot } from '../../src/provision/index.ts';
import type { InventoryEntry } from '../../src/plan/inventory.ts';
import type { StoragePlan } from '../../src/plan/types.ts';
import { createLoopDevices, type LoopDevices } from './loop-btrfs.ts';
import { specPlan } from './plans.ts';

export interface Provisioned {
  loops: LoopDevices;
  plan: StoragePlan;
  root: string;
  dispose(): Promise<void>;
}

export async function provisionSpecHost(host: string, entry: Partial<InventoryEntry> = {}, poolMiB = 1024): Promise<Provisioned> {
  const base = specPlan(host, entry);
  const loops = await createLoopDevices(base.pools.map(() => poolMiB));
  try {
    const plan = await targetPlan(base, Object.fromEntries(base.pools.map((p, i) => [p.name, loops.devices[i]!])), { fitToDevice: true });
    const root = join(loops.dir, 'root');
    await mkdir(root);
    await provision(plan, { root, yes: false, dryRun: false });
    return {
      loops, plan, root,
      dispose: async () => {
        await unmountRoot(root).catch(() => undefined);
        await loops.dispose();
      },
    };
  } catch (error) {
    await loops.dispose();
    throw error;
  }
}
