import { openRepo, readSecret } from '../../backup/open.ts';
import { usageError } from '../../core/errors.ts';
import { emit, str, type Command } from '../command.ts';
import { optionalPlan, REPO_HELP, REPO_OPTIONS, resolveRepoLocation } from '../repo-options.ts';

const options = { ...REPO_OPTIONS, plan: { type: 'string' as const } };

export const backupKeyList: Command = {
  name: 'backup key list', summary: 'list the key files that open the repository', usage: 'panther backup key list [--json]',
  help: REPO_HELP, options,
  async run(values, _p, io) {
    const repo = await openRepo(await resolveRepoLocation(values, await optionalPlan(values), io));
    const keys = await repo.keys.list();
    emit(io, { keys }, () => keys.map((k) => JSON.stringify(k)).join('\n'));
    return 0;
  },
};

export const backupKeyAdd: Command = {
  name: 'backup key add', summary: 'wrap the master key for another passphrase or age recipient',
  usage: 'panther backup key add (--new-passphrase-file FILE | --recipient age1…) [--json]',
  help: `${REPO_HELP}\n  --new-passphrase-file FILE   the new key's passphrase\n  --recipient age1…            an age X25519 recipient`,
  options: { ...options, 'new-passphrase-file': { type: 'string' }, recipient: { type: 'string' } },
  async run(values, _p, io) {
    const repo = await openRepo(await resolveRepoLocation(values, await optionalPlan(values), io));
    const file = str(values, 'new-passphrase-file');
    const recipient = str(values, 'recipient');
    if ((file === undefined) === (recipient === undefined)) throw usageError('give exactly one of --new-passphrase-file and --recipient');
    const id = await repo.keys.add(file !== undefined ? { passphrase: await readSecret(file, 'new passphrase') } : { recipient: recipient! });
    emit(io, { added: id }, () => `added key ${id}`);
    return 0;
  },
};

export const backupKeyRemove: Command = {
  name: 'backup key remove', summary: 'remove a key file (never the last one)', usage: 'panther backup key remove <id> [--json]',
  help: REPO_HELP, options, positionals: true,
  async run(values, positionals, io) {
    const id = positionals[0];
    if (id === undefined) throw usageError('name the key id (panther backup key list)');
    const repo = await openRepo(await resolveRepoLocation(values, await optionalPlan(values), io));
    await repo.keys.remove(id);
    emit(io, { removed: id }, () => `removed key ${id}`);
    return 0;
  },
};
