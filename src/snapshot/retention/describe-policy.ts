// One sentence a user can check a policy against before trusting it with deletions.
import { TIERS } from '../../plan/types.ts';
import type { RetentionPolicy } from '../types.ts';

export function describePolicy(policy: RetentionPolicy): string {
  const t = policy.tiers;
  const parts: string[] = [];
  for (const tier of TIERS) {
    const n = t[tier];
    if (n === 0) continue;
    if (tier === 'frequent') parts.push(`${n} most recent ${t.frequentMinutes ?? '?'}-minute slots`);
    else parts.push(`${n} most recent ${tier === 'weekly' ? 'ISO weeks (Monday–Sunday)' : UNIT[tier]}`);
  }
  const zone = policy.timezone ?? 'UTC';
  const tiers = parts.length === 0
    ? 'no tier is on, so only those survive'
    : `plus the last snapshot of each of the ${joinAnd(parts)} that have snapshots (a snapshot may count for several tiers)`;
  const slots = t.frequent > 0 || t.hourly > 0 ? '; slots and hours follow real elapsed time, so a repeated DST hour is two hours' : '';
  return `keeps the newest, pinned, held and future-dated snapshots, ${tiers}; days, weeks, months and years are calendar periods in ${zone}${slots}`;
}

const UNIT = { hourly: 'hours', daily: 'days', monthly: 'months', yearly: 'years' } as Record<string, string>;

function joinAnd(parts: string[]): string {
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
