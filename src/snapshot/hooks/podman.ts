// Pauses the containers that keep data on the subvolume (or the configured ones) for the instant
// of the snapshot, so no write is half-done in it. Each container is recorded *before* its
// `podman pause` starts, so `after` unpauses it even when the pause timed out or failed half-way
// (run-hooks.ts always runs `after` once `before` started).
import type { HookConfig } from '../../plan/types.ts';
import type { HookContext, SnapshotHook } from './types.ts';
import { PantherError, isPantherError } from '../../core/errors.ts';
import { runArgv } from './run-argv.ts';
import { parseGraphRoot, parseInspect, parsePs, planPause, type InspectedContainer, type PauseDecision } from './podman-plan.ts';

export type PodmanHookConfig = Extract<HookConfig, { type: 'podman' }>;

// podman's words when there is nothing to unpause (the container stopped, or never got paused).
const NOTHING_TO_UNPAUSE = /not paused|no such container|is not running|state improper/i;

export function podmanHook(config: PodmanHookConfig): SnapshotHook {
  const paused: PauseDecision[] = [];
  return {
    name: config.containers === undefined ? 'podman' : `podman ${config.containers.join(',')}`,
    async before(ctx) {
      const decisions = await decidePauses(config, ctx);
      for (const d of decisions) if (!d.pause) ctx.log(`${d.name}: not paused (${d.reason})`);
      const toPause = decisions.filter((d) => d.pause);
      for (const d of toPause) {
        paused.push(d);
        await podman(['pause', d.id], ctx.signal);
        ctx.log(`${d.name}: paused (${d.reason})`);
      }
      return toPause.length === 0 ? 'no running container keeps data on this subvolume' : `paused ${names(toPause)}`;
    },
    async after(ctx) {
      const done: PauseDecision[] = [];
      const failed: string[] = [];
      for (const d of paused.splice(0).reverse()) {
        try {
          await podman(['unpause', d.id], ctx.signal);
          done.push(d);
        } catch (error) {
          const text = isPantherError(error) ? error.message : String(error);
          if (NOTHING_TO_UNPAUSE.test(text)) ctx.log(`${d.name}: nothing to unpause (${text})`);
          else failed.push(`${d.name}: ${text}`);
        }
      }
      if (failed.length > 0) {
        throw new PantherError('podman-unpause-failed', `could not unpause ${failed.join('; ')}`, {
          hint: 'the containers are still paused: run `podman unpause <name>` by hand',
        });
      }
      return done.length === 0 ? 'nothing to unpause' : `unpaused ${names(done)}`;
    },
  };
}

async function decidePauses(config: PodmanHookConfig, ctx: HookContext): Promise<PauseDecision[]> {
  const ps = parsePs((await podman(['ps', '--format', 'json'], ctx.signal)).stdout);
  if (config.containers !== undefined) {
    return planPause({ subvolumePath: ctx.subvolumePath, graphRoot: null, ps, inspect: [], configured: config.containers });
  }
  const graphRoot = parseGraphRoot((await podman(['info', '--format', 'json'], ctx.signal)).stdout);
  const inspect: InspectedContainer[] = ps.length === 0
    ? []
    : parseInspect((await podman(['inspect', '--type', 'container', ...ps.map((c) => c.id)], ctx.signal)).stdout);
  return planPause({ subvolumePath: ctx.subvolumePath, graphRoot, ps, inspect });
}

function podman(args: readonly string[], signal: AbortSignal): Promise<{ stdout: string }> {
  // English messages: NOTHING_TO_UNPAUSE reads them.
  return runArgv(['podman', ...args], { signal, env: { LC_ALL: 'C' }, subject: `podman ${args.slice(0, 2).join(' ')}` });
}

function names(decisions: readonly PauseDecision[]): string {
  return decisions.map((d) => d.name).join(', ');
}
