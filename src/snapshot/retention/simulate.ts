// Plays a schedule forward and prunes after every snapshot, as `snapshot run` does, so a user can
// see what a policy keeps after a year before trusting it. Pure: the window is given, not read.
import { PantherError } from '../../core/errors.ts';
import type { Tier } from '../../plan/types.ts';
import type { RetentionItem, RetentionPolicy } from '../types.ts';
import { decideChecked, type Protection, type RetentionVerdict } from './apply-retention.ts';
import { describePolicy } from './describe-policy.ts';
import { DAY_MS, firstInstantAt, formatDate, formatOffset, openZone, pad, wallOfUtc, type Zone } from '../../core/local-time.ts';
import { creationTimes, defaultSchedule, localMidnight, type ScheduleEntry } from './schedule.ts';
import { parseInstant, policyProblems } from './validate.ts';

export interface SimulationOptions {
  days: number;
  /** ISO instant the simulation starts at; it ends at the same local wall-clock time `days` days later. */
  start: string;
  /** Default: defaultSchedule(policy.tiers). */
  schedule?: ScheduleEntry[];
}

export interface SimulatedSnapshot {
  id: string;
  time: string;
  /** Local wall time with its offset: "2026-11-24 02:00 +01:00". */
  local: string;
  reasons: string[];
  tiers: Tier[];
  protections: Protection[];
}

export interface SimulatedDay {
  /** Local date in the policy's zone. */
  date: string;
  created: number;
  /** Snapshots present at the end of that day. */
  present: number;
  /** Snapshots taken that day that are still kept at the end of the simulation. */
  survivors: number;
}

export interface SimulationResult {
  policy: RetentionPolicy;
  description: string;
  schedule: ScheduleEntry[];
  start: string;
  end: string;
  created: number;
  /** Most snapshots present at once (right after a creation, before pruning). */
  peak: number;
  kept: SimulatedSnapshot[];
  days: SimulatedDay[];
}

export const MAX_DAYS = 3660;
const MAX_CREATIONS = 500_000;

export function simulateRetention(policy: RetentionPolicy, options: SimulationOptions): SimulationResult {
  const startMs = parseInstant(options.start);
  const problems = policyProblems(policy);
  if (startMs === null) problems.push(`start: not an ISO-8601 instant: ${JSON.stringify(options.start)}`);
  if (!Number.isInteger(options.days) || options.days < 1 || options.days > MAX_DAYS) problems.push(`days: a whole number 1–${MAX_DAYS}, got ${options.days}`);
  if (problems.length > 0 || startMs === null) {
    throw new PantherError('simulation-invalid', `cannot simulate:\n  ${problems.join('\n  ')}`, {
      details: { problems }, hint: 'pass tier counts ≥ 0, an IANA time zone, --days 1–3660 and --start like 2026-01-01T00:00:00Z',
    });
  }
  const zone = openZone(policy.timezone);
  // `days` local calendar days: the same wall-clock time that many days later, whatever DST did.
  const endMs = firstInstantAt(zone, startMs + zone.offset(startMs) + options.days * DAY_MS);
  const schedule = options.schedule ?? defaultSchedule(policy.tiers);
  // Checked before generating, so a 1-minute timer over ten years is refused rather than built.
  const estimate = options.days * (3 + schedule.reduce((n, e) => n + (e.type === 'every' && e.minutes > 0 ? 1440 / e.minutes : 0), 0));
  const times = estimate > MAX_CREATIONS ? [] : creationTimes(schedule, zone, startMs, endMs);
  if (estimate > MAX_CREATIONS || times.length > MAX_CREATIONS) {
    throw new PantherError('simulation-too-large', `the schedule creates about ${Math.round(estimate)} snapshots in ${options.days} days`, {
      hint: `simulate fewer days or a longer interval (at most ${MAX_CREATIONS} snapshots)`,
    });
  }

  let kept: RetentionItem[] = [];
  let keptTimes: number[] = [];
  let peak = 0;
  const perDay = new Map<string, { created: number; present: number }>();
  let verdicts: RetentionVerdict[] = [];
  for (const t of times) {
    kept.push({ id: snapshotId(t), time: new Date(t).toISOString() });
    keptTimes.push(t);
    peak = Math.max(peak, kept.length);
    verdicts = decideChecked(kept, keptTimes, policy, t, zone);
    kept = kept.filter((_, i) => verdicts[i]!.keep);
    keptTimes = keptTimes.filter((_, i) => verdicts[i]!.keep);
    verdicts = verdicts.filter((v) => v.keep);
    const day = perDay.get(localDate(zone, t)) ?? { created: 0, present: 0 };
    day.created += 1;
    day.present = kept.length;
    perDay.set(localDate(zone, t), day);
  }

  const final: SimulatedSnapshot[] = kept.map((item, i) => {
    const v = verdicts[i]!;
    return { id: item.id, time: item.time, local: localLabel(zone, Date.parse(item.time)), reasons: v.reasons, tiers: v.periods.map((p) => p.tier), protections: v.protections };
  });
  const survivors = new Map<string, number>();
  for (const s of final) survivors.set(s.local.slice(0, 10), (survivors.get(s.local.slice(0, 10)) ?? 0) + 1);
  const days: SimulatedDay[] = [];
  let present = 0;
  for (let d = localMidnight(zone, startMs); d <= localMidnight(zone, endMs - 1); d += DAY_MS) {
    const date = formatDate(wallOfUtc(d));
    const day = perDay.get(date);
    if (day !== undefined) present = day.present;
    days.push({ date, created: day?.created ?? 0, present, survivors: survivors.get(date) ?? 0 });
  }
  return {
    policy, description: describePolicy(policy), schedule, start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString(),
    created: times.length, peak, kept: final, days,
  };
}

/** Named like the engine names snapshots: `<subvolume>.<UTC timestamp>`. */
export function snapshotId(ms: number): string {
  return `sim.${new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')}`;
}

function localDate(zone: Zone, ms: number): string {
  return formatDate(zone.wall(ms));
}

function localLabel(zone: Zone, ms: number): string {
  const w = zone.wall(ms);
  return `${formatDate(w)} ${pad(w.hour)}:${pad(w.minute)} ${formatOffset(zone.offset(ms))}`;
}
