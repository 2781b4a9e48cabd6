// NOTES 8: the recovery point a snapshot schedule really gives is the interval of its most frequent
// active tier; the spec's daily snapshots cannot meet a 1 h or 15 min objective. No-CoW subvolumes pay
// for frequent snapshots: after each snapshot every block is COWed once on its next overwrite (docs/knowledge/btrfs.md §5).
import type { Finding, StoragePlan, SubvolumePlan } from '../types.ts';
import { finding, overrideOf, shown, subvolumeSubject, subvolumes, type RuleInfo } from './rule.ts';

export const RPO_RULES: RuleInfo[] = [
  {
    id: 'rpo-gap', title: 'snapshot schedule cannot meet the RPO', severity: 'warning', notes: 'NOTES 8',
    description: 'A critical subvolume\'s most frequent active snapshot tier is less frequent than the host\'s RPO objective (or it is never snapshotted).',
  },
  {
    id: 'rpo-no-critical', title: 'no subvolume is checked against the RPO', severity: 'info', notes: 'NOTES 8',
    description: 'No subvolume is marked critical, so the RPO objective is not checked against any schedule.',
  },
  {
    id: 'nocow-frequent-snapshots', title: 'no-CoW subvolume snapshotted more often than daily', severity: 'info', notes: 'NOTES 8',
    description: 'Each snapshot makes the next overwrite of every shared block of a no-CoW file a one-time COW: fragmentation and extra space, accepted here for the RPO.',
  },
];

/** Minutes per tier; a month is 365.25 × 24 × 60 / 12. */
const TIER_MINUTES = { hourly: 60, daily: 1440, weekly: 10080, monthly: 43830, yearly: 525960 } as const;

/** Worst-case age of the newest local snapshot: the shortest interval among tiers that keep snapshots and fire. */
export function achievedRpoMinutes(sub: SubvolumePlan, plan: StoragePlan): number {
  const t = sub.snapshots;
  if (t === null) return Number.POSITIVE_INFINITY;
  const intervals: number[] = [];
  // A frequent or hourly tier only counts when the schedule has a timer for it.
  if (t.frequent > 0 && t.frequentMinutes !== null && t.frequentMinutes > 0 && plan.snapshots.schedule.frequent !== null) intervals.push(t.frequentMinutes);
  if (t.hourly > 0 && plan.snapshots.schedule.hourly !== null) intervals.push(TIER_MINUTES.hourly);
  if (t.daily > 0) intervals.push(TIER_MINUTES.daily);
  if (t.weekly > 0) intervals.push(TIER_MINUTES.weekly);
  if (t.monthly > 0) intervals.push(TIER_MINUTES.monthly);
  if (t.yearly > 0) intervals.push(TIER_MINUTES.yearly);
  return intervals.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...intervals);
}

function describe(minutes: number): string {
  if (!Number.isFinite(minutes)) return 'never snapshotted';
  if (minutes % 1440 === 0) return `every ${minutes / 1440} day(s)`;
  if (minutes % 60 === 0) return `every ${minutes / 60} hour(s)`;
  return `every ${minutes} minutes`;
}

export function checkRpoGap(plan: StoragePlan): Finding[] {
  const objective = plan.objectives.rpoMinutes;
  return subvolumes(plan).filter(({ sub }) => sub.critical).flatMap(({ pool, sub }) => {
    const achieved = achievedRpoMinutes(sub, plan);
    if (achieved <= objective) return [];
    const rpo = Number.isFinite(achieved) ? `${achieved} minutes` : 'unbounded';
    return [finding('rpo-gap', 'warning', subvolumeSubject(pool, sub),
      `${shown(sub.name)} is critical, and its snapshots (${describe(achieved)}) give an RPO of ${rpo}, against the objective of ${objective} minutes: up to ${rpo} of changes can be lost.`,
      sub.snapshots === null
        ? `enable snapshots (${overrideOf(sub, 'snapshot')} = true) and add ${shown(sub.name)} to the profile's frequent tier (frequent.subvolumes, everyMinutes ≤ ${objective})`
        : `add ${shown(sub.name)} to the profile's frequent tier (frequent.subvolumes, everyMinutes ≤ ${objective}), or set ${overrideOf(sub, 'critical')} = false if the objective does not apply to it`)];
  });
}

export function checkRpoNoCritical(plan: StoragePlan): Finding[] {
  if (subvolumes(plan).some(({ sub }) => sub.critical)) return [];
  return [finding('rpo-no-critical', 'info', 'plan',
    `no subvolume is marked critical, so the objective of ${plan.objectives.rpoMinutes} minutes is checked against nothing.`,
    'mark the data the objective is about with overrides.subvolumes["<name>"].critical = true')];
}

export function checkNocowFrequentSnapshots(plan: StoragePlan): Finding[] {
  return subvolumes(plan).filter(({ sub }) => !sub.cow && achievedRpoMinutes(sub, plan) < TIER_MINUTES.daily).map(({ pool, sub }) =>
    finding('nocow-frequent-snapshots', 'info', subvolumeSubject(pool, sub),
      `${shown(sub.name)} is no-CoW and snapshotted ${describe(achievedRpoMinutes(sub, plan))}: after each snapshot the first overwrite of every shared block is a one-time COW (docs/knowledge/btrfs.md §5, tested), so frequent snapshots fragment the files and take extra space. Accepted here to meet the RPO.`,
      sub.critical
        ? 'nothing to do while the RPO needs it; prefer application dumps (pg_dump, RDB) for long-term copies'
        : `snapshot it at most daily (remove it from the profile's frequent tier) unless an RPO needs it`));
}
