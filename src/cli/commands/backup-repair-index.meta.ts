// `panther backup repair-index`: what --help and routing need, cheap to load; ./backup-repair-index.ts runs it.
import type { CommandInfo } from '../command.ts';
import { REPO_HELP, REPO_OPTIONS } from '../options.ts';

export const backupRepairIndexInfo: CommandInfo = {
  name: 'backup repair-index',
  summary: 'rebuild the index from the pack trailers (after check reports a damaged or missing index segment)',
  usage: 'panther backup repair-index [--dry-run] [--json]',
  help: `${REPO_HELP}
  --dry-run   read and verify every pack's trailer and say what would be written and deleted

Reads each pack's sealed trailer (two small ranged reads per pack, never the blobs), verifies it,
writes new index segments listing every pack whose trailer is sound, and only then deletes the old
segments, damaged ones included (docs/FORMAT.md §5.4). Holds the repository's exclusive lock (no
backup or prune meanwhile). A pack whose trailer cannot be read keeps the entries an intact old
segment had for it; without one its chunks stay out of the index and check names the points
affected. Exit 1 when such a pack was left out.`,
  options: { ...REPO_OPTIONS, plan: { type: 'string' }, 'dry-run': { type: 'boolean' } },
};
