// `panther drill integrity|restore|disaster`: what --help and routing need, cheap to load; ./drill.ts runs them.
import type { CommandInfo } from '../command.ts';
import type { DrillLevel } from '../../drill/types.ts';
import { DEFAULT_SCRATCH_DIR } from '../../core/defaults.ts';
import { LOCK_HELP, REPO_HELP, REPO_OPTIONS } from '../options.ts';

const LEVEL: Record<DrillLevel, { summary: string; what: string }> = {
  integrity: {
    summary: 'weekly drill: check the repository\'s structure and read this week\'s slice of its data',
    what: `Checks the repository's structure (every index, pack and point, and the host's record of completed
points) and downloads and verifies one slice of the packs: slice k of N in week k, so every pack is
read once in N weeks (--period-weeks, default 13: a quarter).`,
  },
  restore: {
    summary: 'monthly drill: restore every backed-up subvolume into a scratch btrfs, verify it, start its databases',
    what: `Restores the newest point of every subvolume the plan backs up into a scratch btrfs (a sparse image
in --scratch, mounted only inside the drill's private mount namespace), compares it with its source
snapshot when that is still on disk (contents, modes, owners, xattrs, links, mtimes) and otherwise
relies on the stored stream hash, then starts PostgreSQL and Redis found in it on a private socket
and counts their rows and keys. A subvolume the plan backs up with no point in the repository fails
the drill.`,
  },
  disaster: {
    summary: 'quarterly drill: restore the whole host from the repository alone, as a new machine would',
    what: `Restores the newest point of every subvolume the repository holds for the host, using nothing but the
repository, the key (--passphrase-file or --identity-file) and its credentials: no snapshot on disk,
no state directory, the plan only for the RTO objective. Verification by the stored stream hash;
databases started as in the restore drill.`,
  },
};

export const DRILL_COMMON_HELP = `  --plan FILE       the host's plan (default $PANTHER_PLAN or /etc/panther/plan.json): RTO objective,
                    download budget, which subvolumes must have backups and their snapshots
  --root DIR        where the plan's mount points are (default /)
  --state-dir DIR   where the drill's record is kept (default $PANTHER_STATE_DIR or /var/lib/panther/state)
  --scratch DIR     an empty directory for the scratch filesystem (default ${DEFAULT_SCRATCH_DIR});
                    must have free room for the largest subvolume (checked before anything is restored)
  --budget-usd N    download budget of this drill in USD (B2 bills downloads beyond 1 GB a day);
                    default a share of the plan's monthly budget: 2 % weekly, 10 % monthly, 25 %
                    quarterly. Subvolumes that do not fit are deferred to the next drill, which
                    takes them first. A local repository has no budget.
  --period-weeks N  weeks in which the integrity drills read every pack once (default 13; more
                    when a week's slice would not fit the download budget)
  --dry-run         say what the drill would restore, download and need, and do nothing
  --json            the result as JSON on stdout`;

const OUTCOME = `The result goes to <state dir>/drill-<host>.json (panther drill status, the metrics collector).
Exit 0 when the drill passed, 1 when it failed (the reason is printed and recorded), 130 when
stopped; a drill killed outright is recorded as interrupted by the next drill or reader.`;

export function drillInfo(level: DrillLevel): CommandInfo {
  return {
    name: `drill ${level}`,
    summary: LEVEL[level].summary,
    usage: `panther drill ${level} [--plan FILE] [--scratch DIR] [--budget-usd N] [--dry-run] [--json]`,
    help: `${LEVEL[level].what}

${DRILL_COMMON_HELP}
${REPO_HELP}
${LOCK_HELP}

${OUTCOME}`,
    options: {
      ...REPO_OPTIONS, plan: { type: 'string' }, root: { type: 'string' }, 'state-dir': { type: 'string' }, scratch: { type: 'string' },
      'budget-usd': { type: 'string' }, 'period-weeks': { type: 'string' }, 'dry-run': { type: 'boolean' }, lock: { type: 'string' }, wait: { type: 'string' },
    },
  };
}
