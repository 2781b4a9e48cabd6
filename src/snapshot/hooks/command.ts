// A user's own programs around a snapshot (stop a service, flush a cache …). Each phase is an
// argument array started without a shell; a non-zero exit is a failure. The program learns what
// is going on from PANTHER_SUBVOLUME and PANTHER_PHASE.
import type { HookConfig } from '../../plan/types.ts';
import type { HookContext, SnapshotHook } from './types.ts';
import { runArgv } from './run-argv.ts';

export type CommandHookConfig = Extract<HookConfig, { type: 'command' }>;

export function commandHook(config: CommandHookConfig): SnapshotHook {
  const name = `command ${config.name}`;
  const phase = async (which: 'before' | 'after', argv: readonly string[] | undefined, ctx: HookContext): Promise<string> => {
    if (argv === undefined || argv.length === 0) return `no ${which} command`;
    const { stdout } = await runArgv(argv, {
      signal: ctx.signal,
      env: { PANTHER_SUBVOLUME: ctx.subvolumePath, PANTHER_PHASE: which },
      subject: `${name} ${which} (${argv[0]})`,
    });
    const said = stdout.trim().split('\n').at(-1)?.slice(0, 200) ?? '';
    return `${argv[0]} exited 0${said === '' ? '' : `: ${said}`}`;
  };
  return {
    name,
    before: (ctx) => phase('before', config.before, ctx),
    after: (ctx) => phase('after', config.after, ctx),
  };
}
