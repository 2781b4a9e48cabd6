// Flags shared by `panther metrics collect` and `metrics serve` (cheap to load: help reads them).
import { DEFAULT_PLAN, DEFAULT_STATE_DIR } from './options.ts';

export const METRICS_COLLECT_OPTIONS = {
  plan: { type: 'string' }, root: { type: 'string' }, 'state-dir': { type: 'string' }, 'snapshot-sizes': { type: 'boolean' },
} as const;

export const METRICS_COLLECT_HELP = `  --plan FILE       the host's plan (default $PANTHER_PLAN or ${DEFAULT_PLAN})
  --root DIR        where the plan's mount points are (default /)
  --state-dir DIR   where the runs keep their state (default $PANTHER_STATE_DIR or ${DEFAULT_STATE_DIR})
  --snapshot-sizes  also measure pantheros.snapshot.size: walks every file of every snapshot
                    (\`btrfs filesystem du\`, about 1 s per 100 000 files; docs/DECISIONS.md); off by default`;
