import { runDemo } from '../../demo/demo.ts';
import { emit, flag, type Command } from '../command.ts';

export const demo: Command = {
  name: 'demo',
  summary: 'the main job on the embedded default: plan, lint, render the five hosts; provision and doctor a loop btrfs',
  usage: 'panther demo [--keep] [--plan-only] [--json]',
  help: `  --keep        leave the throwaway btrfs mounted and the files in place (says how to remove them)
  --plan-only   stop after rendering (no root or loop devices needed)

Needs root and loop devices for the provisioning part; no cloud account.`,
  options: { keep: { type: 'boolean' }, 'plan-only': { type: 'boolean' } },
  async run(values, _positionals, io) {
    const result = await runDemo({ keep: flag(values, 'keep'), planOnly: flag(values, 'plan-only'), log: (l) => io.err(l) });
    emit(io, result, () => `demo finished${result.provisioned?.kept ? `; files in ${result.workDir}` : ''}`);
    const doctorErrors = result.provisioned?.doctor.counts.error ?? 0;
    return doctorErrors > 0 ? 1 : 0;
  },
};
