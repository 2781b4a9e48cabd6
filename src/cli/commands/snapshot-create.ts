import { createSnapshot } from '../../snapshot/engine.ts';
import { usageError } from '../../core/errors.ts';
import { emit, str, type Command } from '../command.ts';
import { snapshotContext, withHostLock } from '../snapshot-context.ts';
import { snapshotCreateInfo } from './snapshot-create.meta.ts';

export const snapshotCreate: Command = {
  ...snapshotCreateInfo,
  async run(values, positionals, io) {
    const subvolume = positionals[0];
    if (subvolume === undefined || positionals.length > 1) throw usageError('name one subvolume', 'e.g. panther snapshot create @home --tag before-upgrade');
    const ctx = await snapshotContext(values, io);
    const tags = (values['tag'] as string[] | undefined) ?? [];
    const meta = await withHostLock(values, 'snapshot create', () => createSnapshot(ctx, {
      subvolume, now: ctx.now(), origin: 'manual', tags, description: str(values, 'description') ?? null,
    }));
    emit(io, meta, () => `created ${meta.name}${meta.degraded ? ' (DEGRADED: a fail-open hook failed)' : ''}`);
    return 0;
  },
};
