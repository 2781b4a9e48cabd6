// `panther snapshot pin|unpin`: what --help and routing need, cheap to load; ./snapshot-pin.ts runs them.
import type { CommandInfo } from '../command.ts';
import { SNAPSHOT_HELP, SNAPSHOT_OPTIONS } from '../options.ts';

export function pinInfo(pinned: boolean): CommandInfo {
  const verb = pinned ? 'pin' : 'unpin';
  return {
    name: `snapshot ${verb}`,
    summary: pinned ? 'keep a snapshot whatever retention says' : 'let retention decide about a pinned snapshot again',
    usage: `panther snapshot ${verb} <name> [--json]`,
    help: SNAPSHOT_HELP,
    options: SNAPSHOT_OPTIONS,
    positionals: true,
  };
}
