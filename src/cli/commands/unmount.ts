import { unmountRoot } from '../../provision/index.ts';
import { usageError } from '../../core/errors.ts';
import { emit, str, type Command } from '../command.ts';

export const unmount: Command = {
  name: 'unmount',
  summary: 'unmount everything panther provision mounted below a root directory',
  usage: 'panther unmount --root DIR [--json]',
  help: `  --root DIR   unmount every filesystem mounted at or below DIR, deepest first`,
  options: { root: { type: 'string' } },
  async run(values, _positionals, io) {
    const root = str(values, 'root');
    if (root === undefined) throw usageError('--root DIR is required');
    const unmounted = await unmountRoot(root);
    emit(io, { root, unmounted }, () => unmounted.length === 0 ? `nothing mounted below ${root}` : `unmounted ${unmounted.length}:\n  ${unmounted.join('\n  ')}`);
    return 0;
  },
};
