import { PantherError } from '../../core/errors.ts';
import { missingDemoPrerequisites } from '../../demo/prerequisites.ts';
import { emit, flag, type Command } from '../command.ts';
import { demoInfo } from './demo.meta.ts';

export const demo: Command = {
  ...demoInfo,
  async run(values, _positionals, io) {
    const missing = missingDemoPrerequisites();
    if (missing.length > 0) {
      throw new PantherError('demo-needs-checkout', `panther demo runs from a clone of the repository; this installation lacks ${missing.join(' and ')}`, {
        subject: 'demo', hint: 'git clone the repository, then: bash scripts/setup.sh && npm run demo',
      });
    }
    // Loaded only now: the demo imports the dev-only S3 server.
    const { runDemo } = await import('../../demo/demo.ts');
    const result = await runDemo({ keep: flag(values, 'keep'), planOnly: flag(values, 'plan-only'), log: (l) => io.err(l) });
    emit(io, result, () => `demo finished${result.provisioned?.kept ? `; files in ${result.workDir}` : ''}`);
    const doctorErrors = result.provisioned?.doctor.counts.error ?? 0;
    return doctorErrors > 0 ? 1 : 0;
  },
};
