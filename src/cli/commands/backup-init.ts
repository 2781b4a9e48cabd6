import { initRepo } from '../../backup/open.ts';
import { redactUrl } from '../../core/redact-url.ts';
import { emit, type Command } from '../command.ts';
import { wholeFlag } from '../flags.ts';
import { optionalPlan, repoLocation } from '../repo-options.ts';
import { backupInitInfo } from './backup-init.meta.ts';

export const backupInit: Command = {
  ...backupInitInfo,
  async run(values, _positionals, io) {
    const logN = wholeFlag(values, 'scrypt-log-n', { min: 1, max: 22, example: '18' });
    const loc = repoLocation(values, await optionalPlan(values));
    const repo = await initRepo({ ...loc, recipients: (values['recipient'] as string[] | undefined) ?? [] }, logN);
    const keys = await repo.keys.list();
    emit(io, { repository: repo.config.id, host: repo.host, url: redactUrl(loc.url), keys }, () =>
      `created repository ${repo.config.id} for ${repo.host} at ${redactUrl(loc.url)} with ${keys.length} key(s)`);
    return 0;
  },
};
