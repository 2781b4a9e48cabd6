// `panther backup init`: what --help and routing need, cheap to load; ./backup-init.ts runs it.
import type { CommandInfo } from '../command.ts';
import { REPO_HELP, REPO_OPTIONS } from '../options.ts';

export const backupInitInfo: CommandInfo = {
  name: 'backup init',
  summary: 'create a host\'s encrypted repository (master key wrapped with age)',
  usage: 'panther backup init [--repo URL] [--host NAME] (--passphrase-file FILE | --recipient age1… …) [--json]',
  help: `${REPO_HELP}
  --recipient age1…       also (or only) wrap the master key for this age X25519 recipient (repeatable)
  --plan FILE             take the host name from this plan

The key files are standard age files: \`age -d\` opens them with the passphrase or identity.`,
  options: { ...REPO_OPTIONS, recipient: { type: 'string', multiple: true }, plan: { type: 'string' }, 'scrypt-log-n': { type: 'string' } },
};
