// Timeline retention: which snapshots to keep, and why. Pure functions of (items, policy, now) over
// a minimal view of a snapshot (id, time, pinned, holds) — no btrfs, no clock, no I/O.
// Start at apply-retention.ts; the buckets are in period.ts, the wall-clock arithmetic in
// core/local-time.ts (shared with backup/ and cost/), and simulate.ts plays a schedule forward for `panther snapshot simulate`.
// Not here: which snapshots are timeline ones (the engine passes only those), creating or deleting
// snapshots (snapshot/engine.ts), and chain parents (the backup engine protects them with holds).
// The semantics are normative in docs/RETENTION.md.
export { applyRetention, decideRetention, FUTURE_REASON, type Protection, type RetentionVerdict } from './apply-retention.ts';
export { describePolicy } from './describe-policy.ts';
export { isoWeek, periodKey, periodOf, type Period } from './period.ts';
export { creationTimes, defaultSchedule, describeSchedule, WEEKDAYS, type ScheduleEntry, type Weekday } from './schedule.ts';
export {
  MAX_DAYS, simulateRetention, snapshotId, type SimulatedDay, type SimulatedSnapshot, type SimulationOptions, type SimulationResult,
} from './simulate.ts';
export { parseInstant } from './validate.ts';
