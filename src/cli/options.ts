// The flags several commands share, their help texts and the defaults they name. Cheap to load on
// purpose: every command's metadata (what `--help` and routing read) imports only this, never the
// code that runs the command (src/cli/commands/index.ts loads that when the command runs).
import { DEFAULT_HOST_LOCK, DEFAULT_PLAN, DEFAULT_REPO, DEFAULT_STATE_DIR, stateDirFrom } from '../core/defaults.ts';
import { str, type OptionSpec, type Values } from './command.ts';

// The defaults live in core/defaults.ts; the help texts below name them.
export { DEFAULT_PLAN, DEFAULT_REPO, DEFAULT_STATE_DIR };
export const DEFAULT_LOCK = DEFAULT_HOST_LOCK;
/** `backup run` and `backup prune` exclude each other with this file, in the host lock's directory. */
export const BACKUP_LOCK_NAME = 'backup.lock';
/** One drill at a time per host, in the host lock's directory. */
export const DRILL_LOCK_NAME = 'drill.lock';

// --lock/--wait are accepted everywhere so scripts can pass one set of flags to every subcommand.
export const SNAPSHOT_OPTIONS: OptionSpec = {
  plan: { type: 'string' },
  root: { type: 'string' },
  now: { type: 'string' },
  lock: { type: 'string' },
  wait: { type: 'string' },
};

export const SNAPSHOT_HELP = `  --plan FILE    the host's plan (default $PANTHER_PLAN or ${DEFAULT_PLAN})
  --root DIR     where the plan's mount points are (default /)
  --now ISO      act as if it were this time (tests, simulation); default: the clock`;

export const LOCK_HELP = `  --lock FILE    host-wide lock (default ${DEFAULT_LOCK}); one run at a time
  --wait SECONDS wait this long for another run to finish (default 0: fail at once, exit 11)`;

export const BACKUP_LOCK_HELP = `  --lock FILE    host-wide lock (default ${DEFAULT_LOCK}), taken only briefly to pick
                 and hold snapshots; one backup run or prune at a time: ${BACKUP_LOCK_NAME} beside it
  --wait SECONDS wait this long for another backup run or prune (default 0: fail at once, exit 11)`;

/** Where `backup run` keeps progress, the point record and the cost ledger: --state-dir, $PANTHER_STATE_DIR, the default. */
export function stateDirOf(values: Values): string {
  return stateDirFrom(str(values, 'state-dir'));
}

export const REPO_OPTIONS: OptionSpec = {
  repo: { type: 'string' },
  host: { type: 'string' },
  'passphrase-file': { type: 'string' },
  'identity-file': { type: 'string' },
};

export const REPO_HELP = `  --repo URL              the repository: a directory (default $PANTHER_REPO or ${DEFAULT_REPO}), or
                          s3://BUCKET[/PREFIX]?region=…[&endpoint=URL][&credentials=FILE] (Backblaze
                          B2's S3 API; credentials file: key id and application key on two lines,
                          or $PANTHER_S3_CREDENTIALS_FILE)
  --host NAME             the host prefix inside it (default: the plan's host; commands that read a
                          repository: else its only host)
  --passphrase-file FILE  file holding the passphrase (default $PANTHER_PASSPHRASE_FILE)
  --identity-file FILE    an age identity (AGE-SECRET-KEY-…) instead of a passphrase
Secrets are read from files only, never from the command line.`;

export const PLAN_INPUT_OPTIONS: OptionSpec = {
  plan: { type: 'string' },
  facter: { type: 'string' },
  inventory: { type: 'string' },
  host: { type: 'string' },
  profile: { type: 'string' },
  profiles: { type: 'string' },
};

export const PLAN_INPUT_HELP = `Plan input (one of):
  --plan FILE           a plan written by \`panther plan --json\`
  --facter FILE         a nixos-facter report; the profile is detected unless pinned
  --inventory FILE --host NAME
                        pin the host's profile (and expected disks) in an inventory;
                        with --facter the report must agree with it
  --profile ID          choose the profile yourself (panther profiles lists them)
  --profiles FILE       extra or changed profiles (same shape as panther profiles --json)`;

export const WINDOW_HELP = `  --window HH:MM-HH:MM  upload only inside this window tonight (what the systemd timers pass, already
                        staggered); default: the plan's weekday/weekend window + stagger
  --ignore-window       upload now whatever the time (a manual run); the cap still applies
  --bandwidth RATE      upload cap: 10Mbit, 800kbit, 1.25MB/s, 1MiB/s, a bare number = bit/s, or
                        unlimited; default the plan's backup.bandwidthBitsPerSecond
  --state-dir DIR       where progress across nights is kept for \`backup status\`, and where
                        a remote repository's packs wait for their upload (spool/, up to
                        64 MiB) (default $PANTHER_STATE_DIR or ${DEFAULT_STATE_DIR})`;
