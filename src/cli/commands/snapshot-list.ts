import { listAll } from '../../snapshot/store.ts';
import { emit, str, type Command } from '../command.ts';
import { SNAPSHOT_HELP, SNAPSHOT_OPTIONS, snapshotContext } from '../snapshot-context.ts';

export const snapshotList: Command = {
  name: 'snapshot list',
  summary: 'list snapshots with their origin, tiers, tags, pins, holds and hook outcomes',
  usage: 'panther snapshot list [--subvol NAME] [--json]',
  help: `${SNAPSHOT_HELP}
  --subvol NAME  only this subvolume's snapshots

The list is read from the metadata stored beside each snapshot; a snapshot whose metadata file is
missing is still listed, rebuilt from its name and btrfs ("rebuilt": true); so is one whose metadata
file is damaged (with a warning naming the file; retention then keeps it, as its pins and holds are
unknown). A metadata file without its snapshot is ignored with a warning.`,
  options: { ...SNAPSHOT_OPTIONS, subvol: { type: 'string' } },
  async run(values, _positionals, io) {
    const ctx = await snapshotContext(values, io);
    const only = str(values, 'subvol');
    const list = (await listAll(ctx.plan, ctx.root, ctx.log)).filter((s) => only === undefined || s.meta.subvolume === only);
    emit(io, { snapshots: list.map((s) => ({ ...s.meta, path: s.path, rebuilt: s.rebuilt })) }, () => list.length === 0 ? 'no snapshots' : list.map((s) => {
      const m = s.meta;
      const flags = [m.origin, ...m.tiers, ...(m.pinned ? ['pinned'] : []), ...m.holds.map((h) => `held:${h}`), ...(m.degraded ? ['DEGRADED'] : []), ...(s.rebuilt ? ['rebuilt'] : [])];
      return `${m.name.padEnd(40)} ${flags.join(',')}${m.tags.length > 0 ? ` [${m.tags.join(',')}]` : ''}${m.description === null ? '' : `  ${m.description}`}`;
    }).join('\n'));
    return 0;
  },
};
