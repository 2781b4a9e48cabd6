// Checks that need no plan: space, device errors, scrub age, checksums on no-CoW databases.
import { formatBytes } from '../../core/bytes.ts';
import type { DoctorFinding, DoctorThresholds, LiveFilesystem, LiveState } from './types.ts';

export function checkHealth(state: LiveState, thresholds: DoctorThresholds): DoctorFinding[] {
  return [
    ...state.filesystems.flatMap((fs) => [
      ...checkSpace(fs, thresholds),
      ...checkDeviceErrors(fs),
      ...checkScrub(fs, state.now, thresholds),
    ]),
    ...checkPostgres(state),
  ];
}

function name(fs: LiveFilesystem): string {
  return `filesystem ${fs.label ?? fs.uuid}`;
}

function checkSpace(fs: LiveFilesystem, t: DoctorThresholds): DoctorFinding[] {
  const findings: DoctorFinding[] = [];
  const usedPercent = fs.sizeBytes === 0 ? 0 : (fs.usedBytes / fs.sizeBytes) * 100;
  if (usedPercent > t.usedPercent) {
    findings.push({
      id: 'space-used', severity: 'error', subject: name(fs), expected: `at most ${t.usedPercent}% used`,
      found: `${usedPercent.toFixed(1)}% used (${formatBytes(fs.usedBytes)} of ${formatBytes(fs.sizeBytes)}, ~${formatBytes(fs.freeEstimatedBytes)} free)`,
      fix: 'delete old snapshots (panther snapshot prune), move data off, or grow the device',
    });
  }
  // Small test filesystems have little unallocated space by construction; scale the floor with size.
  const floor = Math.min(t.minUnallocatedBytes, fs.sizeBytes * 0.05);
  if (fs.unallocatedBytes < floor && usedPercent > 50) {
    findings.push({
      id: 'unallocated-low', severity: 'warning', subject: name(fs), expected: `at least ${formatBytes(floor)} unallocated`,
      found: `${formatBytes(fs.unallocatedBytes)} unallocated`,
      fix: 'btrfs balance start -dusage=50 <mount point> returns half-empty data chunks to the unallocated pool',
    });
  }
  return findings;
}

function checkDeviceErrors(fs: LiveFilesystem): DoctorFinding[] {
  return Object.entries(fs.deviceErrors).flatMap(([device, counters]) => {
    const nonZero = Object.entries(counters).filter(([, v]) => v > 0);
    return nonZero.length === 0 ? [] : [{
      id: 'device-errors', severity: 'error' as const, subject: `${name(fs)} device ${device}`, expected: 'all error counters 0',
      found: nonZero.map(([k, v]) => `${k}=${v}`).join(', '),
      fix: `check the disk (smartctl -a ${device}), run a scrub, restore damaged files from a snapshot; then btrfs device stats -z ${device}`,
    }];
  });
}

function checkScrub(fs: LiveFilesystem, now: string, t: DoctorThresholds): DoctorFinding[] {
  const fix = 'btrfs scrub start <mount point> (NixOS: services.btrfs.autoScrub, rendered by panther render nixos)';
  if (fs.scrub.lastStarted === null) {
    return [{ id: 'scrub-never', severity: 'warning', subject: name(fs), expected: `a scrub within ${t.scrubMaxAgeDays} days`, found: 'never scrubbed', fix }];
  }
  const findings: DoctorFinding[] = [];
  const ageDays = (Date.parse(now) - Date.parse(fs.scrub.lastStarted)) / 86_400_000;
  if (ageDays > t.scrubMaxAgeDays) {
    findings.push({ id: 'scrub-stale', severity: 'warning', subject: name(fs), expected: `a scrub within ${t.scrubMaxAgeDays} days`, found: `last scrub ${Math.floor(ageDays)} days ago`, fix });
  }
  if (fs.scrub.errors > 0) {
    findings.push({ id: 'scrub-errors', severity: 'error', subject: name(fs), expected: 'no scrub errors', found: `${fs.scrub.errors} error(s) in the last scrub`, fix: 'see dmesg for the files affected; restore them from a snapshot or backup' });
  }
  return findings;
}

function checkPostgres(state: LiveState): DoctorFinding[] {
  return state.postgres.filter((pg) => pg.nocow && pg.checksums === false).map((pg) => ({
    id: 'postgres-no-checksums', severity: 'warning' as const, subject: pg.dataDir,
    expected: 'data checksums on a no-CoW data directory (btrfs keeps none there: NOTES 3)', found: 'data checksums off',
    fix: 'stop PostgreSQL and run pg_checksums --enable -D <data dir> (or initdb --data-checksums for new clusters)',
  }));
}
