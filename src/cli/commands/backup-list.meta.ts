// `panther backup list`: what --help and routing need, cheap to load; ./backup-list.ts runs it.
import type { CommandInfo } from '../command.ts';
import { REPO_HELP, REPO_OPTIONS } from '../options.ts';

export const backupListInfo: CommandInfo = {
  name: 'backup list',
  summary: 'list the backup points in the repository',
  usage: 'panther backup list [--repo URL] [--host NAME] [--json]',
  help: REPO_HELP,
  options: { ...REPO_OPTIONS, plan: { type: 'string' } },
};
