// The plan's hook configuration → the hook object that runs it; one new object per snapshot run,
// because hooks keep what `before` did for `after`.
import type { HookConfig } from '../../plan/types.ts';
import type { SnapshotHook } from './types.ts';
import { commandHook } from './command.ts';
import { podmanHook } from './podman.ts';
import { postgresHook } from './postgres.ts';
import { redisHook } from './redis.ts';

export function createHook(config: HookConfig): SnapshotHook {
  switch (config.type) {
    case 'postgres': return postgresHook(config);
    // passwordFile is not (yet) in the plan's HookConfig; pass it through when a caller adds it.
    case 'redis': return redisHook(config);
    case 'podman': return podmanHook(config);
    case 'command': return commandHook(config);
  }
}
