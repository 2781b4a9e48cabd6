// `panther backup key list|add|remove`: what --help and routing need, cheap to load; ./backup-key.ts runs them.
import type { CommandInfo } from '../command.ts';
import { REPO_HELP, REPO_OPTIONS } from '../options.ts';

const options = { ...REPO_OPTIONS, plan: { type: 'string' as const } };

export const backupKeyListInfo: CommandInfo = {
  name: 'backup key list', summary: 'list the key files that open the repository', usage: 'panther backup key list [--json]',
  help: REPO_HELP, options,
};

export const backupKeyAddInfo: CommandInfo = {
  name: 'backup key add', summary: 'wrap the master key for another passphrase or age recipient',
  usage: 'panther backup key add (--new-passphrase-file FILE | --recipient age1…) [--json]',
  help: `${REPO_HELP}\n  --new-passphrase-file FILE   the new key's passphrase\n  --recipient age1…            an age X25519 recipient`,
  options: { ...options, 'new-passphrase-file': { type: 'string' }, recipient: { type: 'string' } },
};

export const backupKeyRemoveInfo: CommandInfo = {
  name: 'backup key remove', summary: 'remove a key file (never the last one)', usage: 'panther backup key remove <id> [--json]',
  help: REPO_HELP, options, positionals: true,
};
