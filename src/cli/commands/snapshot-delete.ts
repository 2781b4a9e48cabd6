import { deleteSnapshot } from '../../snapshot/engine.ts';
import { usageError } from '../../core/errors.ts';
import { emit, flag, type Command } from '../command.ts';
import { snapshotContext, withHostLock } from '../snapshot-context.ts';
import { snapshotDeleteInfo } from './snapshot-delete.meta.ts';

export const snapshotDelete: Command = {
  ...snapshotDeleteInfo,
  async run(values, positionals, io) {
    const name = positionals[0];
    if (name === undefined || positionals.length > 1) throw usageError('name one snapshot', 'panther snapshot list shows the names');
    const ctx = await snapshotContext(values, io);
    const meta = await withHostLock(values, 'snapshot delete', () => deleteSnapshot(ctx, name, flag(values, 'force')));
    emit(io, { deleted: meta.name }, () => `deleted ${meta.name}`);
    return 0;
  },
};
