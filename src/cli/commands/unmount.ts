import { unmountRoot, RECORDED_PLAN } from '../../provision/index.ts';
import { readPlan } from '../../plan/read-plan.ts';
import { ExitCode, usageError } from '../../core/errors.ts';
import { emit, flag, str, type Command } from '../command.ts';

export const unmount: Command = {
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
  async run(values, _positionals, io) {
    const root = str(values, 'root');
    if (root === undefined) throw usageError('--root DIR is required');
    const planFile = str(values, 'plan');
    const result = await unmountRoot(root, {
      ...(planFile === undefined ? {} : { plans: [await readPlan(planFile)] }),
      allowLiveRoot: flag(values, 'allow-live-root'),
    });
    emit(io, { root, ...result }, () => [
      result.unmounted.length === 0 ? `nothing of the plan mounted below ${root}` : `unmounted ${result.unmounted.length}:\n  ${result.unmounted.join('\n  ')}`,
      ...result.kept.map((k) => `left mounted: ${k.target} (${k.reason})`),
      ...(result.forgotten.length === 0 ? [] : [`removed partition entries: ${result.forgotten.join(', ')}`]),
    ].join('\n'));
    // "/" is never unmounted by design; any other plan mount left behind is an unfinished job.
    return result.kept.some((k) => k.target !== '/') ? ExitCode.failed : ExitCode.ok;
  },
};
