// What `panther demo` needs that only a clone of the repository has: the bundled reports and
// inventory (examples/) and the dev-only S3 server (the fauxqs devDependency). The installed package
// (nix/package.nix) ships neither, so the command checks before loading the demo, which imports
// fauxqs statically. Cheap: no npm module is loaded.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const EXAMPLES_DIR = resolve(import.meta.dirname, '..', '..', 'examples');

/** What is missing, as phrases; [] when the demo can run. */
export function missingDemoPrerequisites(): string[] {
  const missing: string[] = [];
  if (!existsSync(resolve(EXAMPLES_DIR, 'inventory.json'))) missing.push(`the example reports and inventory (${EXAMPLES_DIR})`);
  try {
    import.meta.resolve('fauxqs');
  } catch {
    missing.push('the local S3 server (npm devDependency fauxqs)');
  }
  return missing;
}
