import { listAll } from '../../snapshot/store.ts';
import { emit, str, type Command } from '../command.ts';
import { snapshotContext } from '../snapshot-context.ts';
import { snapshotListInfo } from './snapshot-list.meta.ts';

export const snapshotList: Command = {
  ...snapshotListInfo,
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
