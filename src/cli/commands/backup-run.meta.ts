// `panther backup run`: what --help and routing need, cheap to load; ./backup-run.ts runs it.
import type { CommandInfo } from '../command.ts';
import { BACKUP_LOCK_HELP, REPO_HELP, REPO_OPTIONS, SNAPSHOT_HELP, SNAPSHOT_OPTIONS, WINDOW_HELP } from '../options.ts';

export const backupRunCommandInfo: CommandInfo = {
  name: 'backup run',
  summary: 'send the due snapshots of every backed-up subvolume into the repository (what the nightly timer calls)',
  usage: 'panther backup run [--subvol NAME …] [--window HH:MM-HH:MM | --ignore-window] [--bandwidth RATE] [--dry-run] [--max-chain N] [--json]',
  help: `${SNAPSHOT_HELP}
${REPO_HELP}
${BACKUP_LOCK_HELP}
${WINDOW_HELP}
  --subvol NAME   only these subvolumes (repeatable)
  --dry-run       print tonight's plan: per subvolume not due, skip, full or incremental (against
                  what), or window closed (and what it puts off), with the forecast; send nothing
  --max-chain N   longest incremental chain before a (deduplicated) full send; default 14

Incremental against the newest backed-up snapshot still on disk; that snapshot stays held so
snapshot retention keeps it. Snapshot runs go on during the upload: the snapshot being sent and
its parent are held until it ends. Times are in the plan's time zone (the machine's without one).
No upload starts outside the window or too close to its end; a running upload is stopped early
enough that what it read is stored before the window closes. Such a run exits 0 with "window
closed; N stored; resumes next night": the next night sends the snapshot again and stores only
what is missing, for as many nights as a first upload needs. An upload larger than what is left
of tonight prints an estimate of the nights it needs.
With --json: the report with \`plan\` (what was decided before sending) and \`items\` (what was done;
\`changed\` when a snapshot run changed a decision between the plan and the send).
Exit 0 also when the window closed; 1 if any subvolume failed; 130 when stopped by a signal.`,
  options: {
    ...SNAPSHOT_OPTIONS, ...REPO_OPTIONS,
    subvol: { type: 'string', multiple: true }, 'dry-run': { type: 'boolean' }, 'max-chain': { type: 'string' },
    window: { type: 'string' }, 'ignore-window': { type: 'boolean' }, bandwidth: { type: 'string' }, 'state-dir': { type: 'string' },
  },
};
