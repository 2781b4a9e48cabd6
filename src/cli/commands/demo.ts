import { runDemo } from '../../demo/demo.ts';
import { emit, flag, type Command } from '../command.ts';
import { demoInfo } from './demo.meta.ts';

export const demo: Command = {
  ...demoInfo,
  async run(values, _positionals, io) {
    const result = await runDemo({ keep: flag(values, 'keep'), planOnly: flag(values, 'plan-only'), log: (l) => io.err(l) });
    emit(io, result, () => `demo finished${result.provisioned?.kept ? `; files in ${result.workDir}` : ''}`);
    const doctorErrors = result.provisioned?.doctor.counts.error ?? 0;
    return doctorErrors > 0 ? 1 : 0;
  },
};
