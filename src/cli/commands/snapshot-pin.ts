import { setPinned } from '../../snapshot/engine.ts';
import { usageError } from '../../core/errors.ts';
import { emit, type Command } from '../command.ts';
import { snapshotContext, withHostLock } from '../snapshot-context.ts';
import { pinInfo } from './snapshot-pin.meta.ts';

function pinCommand(pinned: boolean): Command {
  return {
    ...pinInfo(pinned),
    async run(values, positionals, io) {
      const name = positionals[0];
      if (name === undefined || positionals.length > 1) throw usageError('name one snapshot', 'panther snapshot list shows the names');
      const ctx = await snapshotContext(values, io);
      // Under the host lock: a snapshot run's prune must not decide on the pin while it changes.
      const meta = await withHostLock(values, `snapshot ${pinned ? 'pin' : 'unpin'}`, () => setPinned(ctx, name, pinned));
      emit(io, meta, () => `${meta.name} ${pinned ? 'pinned' : 'unpinned'}`);
      return 0;
    },
  };
}

export const snapshotPin = pinCommand(true);
export const snapshotUnpin = pinCommand(false);
