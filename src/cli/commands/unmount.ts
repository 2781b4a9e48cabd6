import { unmountRoot } from '../../provision/index.ts';
import { readPlan } from '../../plan/read-plan.ts';
import { ExitCode, usageError } from '../../core/errors.ts';
import { emit, flag, str, type Command } from '../command.ts';
import { unmountInfo } from './unmount.meta.ts';

export const unmount: Command = {
  ...unmountInfo,
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
