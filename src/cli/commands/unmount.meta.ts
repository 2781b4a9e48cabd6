// `panther unmount`: what --help and routing need, cheap to load; ./unmount.ts runs it.
import type { CommandInfo } from '../command.ts';
// The plan as applied lives where the default plan is: provision/recorded-plan.ts (a test checks).
import { DEFAULT_PLAN as RECORDED_PLAN } from '../options.ts';

export const unmountInfo: CommandInfo = {
  name: 'unmount',
  summary: 'unmount what panther provision mounted below a root directory',
  usage: 'panther unmount --root DIR [--plan FILE] [--allow-live-root] [--json]',
  help: `  --root DIR          unmount the plan's filesystems mounted at or below DIR, deepest first
  --plan FILE         the plan provisioned there (default: the one provision recorded in
                      DIR${RECORDED_PLAN})
  --allow-live-root   allow DIR to be / (its plan's mounts below /, never / itself)

Only mounts of the plan's devices (or btrfs filesystems labelled as its pools) are touched; anything
else mounted below DIR is left alone, and so is a plan mount holding or covered by one of them (then
the exit code is 1: unmount that mount yourself and run unmount again). Partitions provision
registered on loop devices are removed again.`,
  options: { root: { type: 'string' }, plan: { type: 'string' }, 'allow-live-root': { type: 'boolean' } },
};
