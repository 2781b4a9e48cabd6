// The zone a plan's local times (snapshot timers, the backup window) are in.
import type { StoragePlan } from './types.ts';

/** The plan's zone, else the machine's: the systemd timers run on the machine's clock. */
export function planTimezone(plan: StoragePlan): string {
  return plan.snapshots.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}
