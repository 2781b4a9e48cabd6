import { setPinned } from '../../snapshot/engine.ts';
import { usageError } from '../../core/errors.ts';
import { emit, type Command } from '../command.ts';
import { SNAPSHOT_HELP, SNAPSHOT_OPTIONS, snapshotContext } from '../snapshot-context.ts';

function pinCommand(pinned: boolean): Command {
  const verb = pinned ? 'pin' : 'unpin';
  return {
    name: `snapshot ${verb}`,
    summary: pinned ? 'keep a snapshot whatever retention says' : 'let retention decide about a pinned snapshot again',
    usage: `panther snapshot ${verb} <name> [--json]`,
    help: SNAPSHOT_HELP,
    options: SNAPSHOT_OPTIONS,
    positionals: true,
    async run(values, positionals, io) {
      const name = positionals[0];
      if (name === undefined || positionals.length > 1) throw usageError('name one snapshot', 'panther snapshot list shows the names');
      const meta = await setPinned(await snapshotContext(values, io), name, pinned);
      emit(io, meta, () => `${meta.name} ${pinned ? 'pinned' : 'unpinned'}`);
      return 0;
    },
  };
}

export const snapshotPin = pinCommand(true);
export const snapshotUnpin = pinCommand(false);
