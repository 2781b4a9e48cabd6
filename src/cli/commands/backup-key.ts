import { openRepo, readSecret } from '../../backup/open.ts';
import { usageError } from '../../core/errors.ts';
import { emit, str, type Command } from '../command.ts';
import { optionalPlan, resolveRepoLocation } from '../repo-options.ts';
import { backupKeyAddInfo, backupKeyListInfo, backupKeyRemoveInfo } from './backup-key.meta.ts';

export const backupKeyList: Command = {
  ...backupKeyListInfo,
  async run(values, _p, io) {
    const repo = await openRepo(await resolveRepoLocation(values, await optionalPlan(values), io));
    const keys = await repo.keys.list();
    emit(io, { keys }, () => keys.map((k) => JSON.stringify(k)).join('\n'));
    return 0;
  },
};

export const backupKeyAdd: Command = {
  ...backupKeyAddInfo,
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
  ...backupKeyRemoveInfo,
  async run(values, positionals, io) {
    const id = positionals[0];
    if (id === undefined) throw usageError('name the key id (panther backup key list)');
    const repo = await openRepo(await resolveRepoLocation(values, await optionalPlan(values), io));
    await repo.keys.remove(id);
    emit(io, { removed: id }, () => `removed key ${id}`);
    return 0;
  },
};
