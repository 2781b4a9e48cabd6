// The human view of a plan: what goes where, and what protects it.
import { formatBytes, formatGB } from '../../core/bytes.ts';
import type { SnapshotTiers, StoragePlan } from '../../plan/types.ts';

export function describePlan(plan: StoragePlan): string {
  const lines = [
    `host ${plan.host}: profile ${plan.profile} (${plan.profileSource}), ${plan.machine}, firmware ${plan.firmware}, user ${plan.user}`,
  ];
  for (const pool of plan.pools) {
    lines.push('', `pool ${pool.name}: ${pool.device} ${formatGB(pool.deviceSizeBytes)}, label ${pool.label}, boot ${pool.boot}` +
      `${pool.boot === 'esp' || pool.boot === 'hybrid' ? ` (ESP ${formatBytes(pool.espSizeBytes)})` : ''}`);
    lines.push(`  filesystem options: ${pool.filesystemOptions.join(',') || '(none)'}; snapshots in ${pool.snapshotLocation?.subvolume ?? '(none)'}`);
    lines.push(`  ${'subvolume'.padEnd(16)} ${'mount point'.padEnd(26)} ${'CoW'.padEnd(6)} ${'compr.'.padEnd(6)} ${'snapshots'.padEnd(22)} backup`);
    for (const s of pool.subvolumes) {
      const extra = s.swapfile === null ? '' : `  swapfile ${formatBytes(s.swapfile.sizeBytes)}`;
      lines.push(`  ${s.name.padEnd(16)} ${(s.mountPoint ?? '-').padEnd(26)} ${(s.cow ? 'cow' : 'no-cow').padEnd(6)} ` +
        `${s.compression.padEnd(6)} ${describeTiers(s.snapshots).padEnd(22)} ${s.backup}${s.critical ? ' (critical)' : ''}${extra}`);
    }
  }
  const sch = plan.snapshots.schedule;
  lines.push('', `snapshot schedule: daily ${sch.daily}; weekly ${sch.weekly}; monthly ${sch.monthly}` +
    `${sch.frequent === null ? '' : `; frequent ${sch.frequent}`}${sch.hourly === null ? '' : `; hourly ${sch.hourly}`}`);
  const b = plan.backup;
  lines.push(`backup: window ${b.window.weekdays} weekdays, ${b.window.weekends} weekends (+${b.staggerMinutes} min stagger), ` +
    `${(b.bandwidthBitsPerSecond / 1e6).toFixed(1)} Mbit/s, budget $${b.monthlyBudgetUsd}/month`);
  lines.push(`objectives: RPO ${plan.objectives.rpoMinutes} min, RTO ${plan.objectives.rtoMinutes} min`);
  return lines.join('\n');
}

function describeTiers(t: SnapshotTiers | null): string {
  if (t === null) return 'none';
  const frequent = t.frequent > 0 && t.frequentMinutes !== null ? `${t.frequent}×${t.frequentMinutes}m+` : '';
  return `${frequent}${t.daily}/${t.weekly}/${t.monthly}${t.hourly > 0 ? ` h${t.hourly}` : ''}${t.yearly > 0 ? ` y${t.yearly}` : ''}`;
}
