// `panther backup unlock`: what --help and routing need, cheap to load; ./backup-unlock.ts runs it.
import type { CommandInfo } from '../command.ts';
import { REPO_HELP, REPO_OPTIONS } from '../options.ts';

export const backupUnlockInfo: CommandInfo = {
  name: 'backup unlock',
  summary: 'remove expired repository locks (with --force, every lock: only when no panther is running)',
  usage: 'panther backup unlock [--force] [--json]',
  help: `${REPO_HELP}
  --force   also remove live locks; only do this when you know their holders are gone (docs/FORMAT.md §6)

A lock whose expiry lies beyond the longest lease the format allows (60 min, plus clock skew) is
stale and removed without --force, saying why (docs/FORMAT.md §6.6).`,
  options: { ...REPO_OPTIONS, plan: { type: 'string' }, force: { type: 'boolean' } },
};
