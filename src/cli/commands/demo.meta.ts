// `panther demo`: what --help and routing need, cheap to load; ./demo.ts runs it.
import type { CommandInfo } from '../command.ts';

export const demoInfo: CommandInfo = {
  name: 'demo',
  summary: 'the main job on the embedded default: plan, lint, render the five hosts; provision and doctor a loop btrfs',
  usage: 'panther demo [--keep] [--plan-only] [--json]',
  help: `  --keep        leave the throwaway btrfs mounted and the files in place (says how to remove them)
  --plan-only   stop after rendering (no root or loop devices needed)

Needs root and loop devices for the provisioning part; no cloud account.`,
  options: { keep: { type: 'boolean' }, 'plan-only': { type: 'boolean' } },
};
