import { initRepo } from '../../backup/open.ts';
import { redactUrl } from '../../core/redact-url.ts';
import { emit, type Command } from '../command.ts';
import { wholeFlag } from '../flags.ts';
import { optionalPlan, REPO_HELP, REPO_OPTIONS, repoLocation } from '../repo-options.ts';

export const backupInit: Command = {
  name: 'backup init',
  summary: 'create a host\'s encrypted repository (master key wrapped with age)',
  usage: 'panther backup init [--repo URL] [--host NAME] (--passphrase-file FILE | --recipient age1… …) [--json]',
  help: `${REPO_HELP}
  --recipient age1…       also (or only) wrap the master key for this age X25519 recipient (repeatable)
  --plan FILE             take the host name from this plan

The key files are standard age files: \`age -d\` opens them with the passphrase or identity.`,
  options: { ...REPO_OPTIONS, recipient: { type: 'string', multiple: true }, plan: { type: 'string' }, 'scrypt-log-n': { type: 'string' } },
  async run(values, _positionals, io) {
    const loc = repoLocation(values, await optionalPlan(values));
    const logN = wholeFlag(values, 'scrypt-log-n', { min: 1, max: 22, example: '18' });
    const repo = await initRepo({ ...loc, recipients: (values['recipient'] as string[] | undefined) ?? [] }, logN);
    const keys = await repo.keys.list();
    emit(io, { repository: repo.config.id, host: repo.host, url: redactUrl(loc.url), keys }, () =>
      `created repository ${repo.config.id} for ${repo.host} at ${redactUrl(loc.url)} with ${keys.length} key(s)`);
    return 0;
  },
};
