// Live system versus plan: layout, mounts, attributes, options, swap. Pure.
import type { PoolPlan, StoragePlan, SubvolumePlan } from '../../plan/types.ts';
import { isFilesystemWide } from '../../plan/mount-options.ts';
import type { DoctorFinding, LiveFilesystem, LiveMount, LiveState } from './types.ts';

export function poolFilesystem(pool: PoolPlan, state: LiveState): LiveFilesystem | undefined {
  return state.filesystems.find((f) => f.label === pool.label);
}

export function checkPlan(plan: StoragePlan, state: LiveState): DoctorFinding[] {
  return plan.pools.flatMap((pool) => {
    const fs = poolFilesystem(pool, state);
    if (fs === undefined) {
      return [{
        id: 'pool-missing', severity: 'error', subject: `pool ${pool.name}`,
        expected: `a btrfs filesystem labelled ${pool.label}`, found: `none among ${state.filesystems.map((f) => f.label ?? f.uuid).join(', ') || 'no btrfs filesystems'}`,
        fix: `provision the pool (panther provision) or mount its device under ${state.root}`,
      } satisfies DoctorFinding];
    }
    const mounts = state.mounts.filter((m) => m.uuid === fs.uuid);
    return [
      ...pool.subvolumes.flatMap((s) => checkSubvolume(pool, s, fs, mounts, state)),
      ...checkFilesystemOptions(pool, mounts),
      ...checkExtraMounts(pool, mounts),
    ];
  });
}

function checkSubvolume(pool: PoolPlan, s: SubvolumePlan, fs: LiveFilesystem, mounts: LiveMount[], state: LiveState): DoctorFinding[] {
  const subject = `${pool.name}/${s.name}`;
  if (!fs.subvolumes.includes(s.name)) {
    return [{
      id: 'subvolume-missing', severity: 'error', subject, expected: `subvolume ${s.name}`, found: 'absent',
      fix: `btrfs subvolume create <top level of ${pool.label}>/${s.name} while it is empty, then apply its attributes (panther provision does all of this)`,
    }];
  }
  if (s.mountPoint === null) return [];
  const findings: DoctorFinding[] = [];
  const at = state.mounts.find((m) => m.target === s.mountPoint);
  const mine = mounts.filter((m) => m.subvol === s.name);
  if (at === undefined || at.uuid !== fs.uuid || at.subvol !== s.name) {
    const elsewhere = mine.map((m) => m.target).join(', ');
    findings.push({
      id: elsewhere === '' ? 'not-mounted' : 'mounted-elsewhere', severity: 'error', subject,
      expected: `mounted at ${s.mountPoint}`,
      found: at === undefined ? (elsewhere === '' ? 'not mounted' : `mounted at ${elsewhere}`) : `${s.mountPoint} holds ${at.subvol ?? at.source}${elsewhere === '' ? '' : `; ${s.name} is at ${elsewhere}`}`,
      fix: `mount -o subvol=${s.name} the ${pool.label} filesystem at ${s.mountPoint} (NixOS: fileSystems."${s.mountPoint}")`,
    });
    return findings;
  }
  const attrs = state.attributes.find((a) => a.target === s.mountPoint);
  if (attrs !== undefined) {
    if (!s.cow && !attrs.nocow) {
      findings.push({
        id: 'nocow-missing', severity: 'error', subject, expected: 'no-CoW (lsattr shows C on the subvolume root)', found: 'CoW',
        fix: `chattr +C only takes on empty files: move the data out, chattr +C ${s.mountPoint}, copy the data back into new files`,
      });
    }
    if (s.cow && attrs.nocow) {
      findings.push({
        id: 'nocow-unexpected', severity: 'warning', subject, expected: 'CoW with checksums', found: 'no-CoW (C attribute set): no checksums, no compression',
        fix: `chattr -C ${s.mountPoint} (affects new files only), or acknowledge it in the plan`,
      });
    }
    const want = s.cow ? s.compression : null;
    const have = normaliseCompression(attrs.compression);
    if (want !== null && have !== want) {
      findings.push({
        id: 'compression-mismatch', severity: 'warning', subject, expected: `compression property ${want}`, found: have ?? 'not set (inherits the mount option)',
        fix: `btrfs property set ${s.mountPoint} compression ${want}`,
      });
    }
  }
  if (s.swapfile !== null) findings.push(...checkSwapfile(subject, s, state));
  return findings;
}

function checkSwapfile(subject: string, s: SubvolumePlan, state: LiveState): DoctorFinding[] {
  if (s.snapshots !== null) {
    return [{
      id: 'swap-snapshotted', severity: 'error', subject, expected: 'the swap subvolume excluded from snapshots',
      found: 'the plan snapshots it: snapshots of a subvolume with an active swapfile fail with "Text file busy"',
      fix: `set snapshot: false for ${s.name} in the profile or inventory overrides`,
    }];
  }
  const path = `${s.mountPoint}/${s.swapfile!.path}`.replace('//', '/');
  const live = state.swapfiles.find((f) => f.path === path);
  const fix = `swapoff ${path}; rm ${path}; btrfs filesystem mkswapfile --size ${Math.round(s.swapfile!.sizeBytes / 1024 ** 2)}M ${path}`;
  if (live === undefined || !live.exists) return [{ id: 'swapfile-missing', severity: 'error', subject, expected: `swapfile ${path}`, found: 'absent', fix }];
  const problems: string[] = [];
  if (!live.nocow) problems.push('not no-CoW');
  if ((live.mode & 0o077) !== 0) problems.push(`mode ${(live.mode & 0o777).toString(8)} (readable by others)`);
  if (live.sizeBytes < s.swapfile!.sizeBytes) problems.push(`${live.sizeBytes} bytes instead of ${s.swapfile!.sizeBytes}`);
  return problems.length === 0 ? [] : [{ id: 'swapfile-invalid', severity: 'error', subject, expected: 'no-CoW, mode 600, full size', found: problems.join(', '), fix }];
}

function checkFilesystemOptions(pool: PoolPlan, mounts: LiveMount[]): DoctorFinding[] {
  const first = mounts[0];
  if (first === undefined) return [];
  const effective = new Set(first.options);
  const findings: DoctorFinding[] = [];
  for (const option of pool.filesystemOptions) {
    if (!effective.has(option)) {
      findings.push({
        id: 'fs-option-not-in-effect', severity: 'error', subject: `pool ${pool.name}`, expected: option,
        found: first.options.filter((o) => isFilesystemWide(o)).join(',') || '(no btrfs options)',
        fix: `filesystem-wide options come from the first mount: remount with mount -o remount,${option} ${first.target} (NixOS: put it on every subvolume of the pool)`,
      });
    }
  }
  for (const bad of ['nodatacow', 'nodatasum']) {
    if (effective.has(bad)) {
      findings.push({
        id: 'fs-nodatacow', severity: 'error', subject: `pool ${pool.name}`, expected: 'datacow with checksums filesystem-wide',
        found: `${bad} in effect on every mount of the filesystem`,
        fix: `remount with -o remount,datacow,datasum,${pool.filesystemOptions.join(',')}; use chattr +C per subvolume instead`,
      });
    }
  }
  return findings;
}

function checkExtraMounts(pool: PoolPlan, mounts: LiveMount[]): DoctorFinding[] {
  const planned = new Map(pool.subvolumes.filter((s) => s.mountPoint !== null).map((s) => [s.mountPoint!, s.name]));
  return mounts
    .filter((m) => m.subvol !== null && planned.get(m.target) !== m.subvol && pool.subvolumes.some((s) => s.name === m.subvol && s.mountPoint !== null))
    .filter((m) => mounts.some((o) => o !== m && o.subvol === m.subvol && planned.get(o.target) === o.subvol))
    .map((m) => ({
      id: 'extra-mount', severity: 'warning' as const, subject: `${pool.name}/${m.subvol}`,
      expected: `mounted once, at ${pool.subvolumes.find((s) => s.name === m.subvol)?.mountPoint}`, found: `also mounted at ${m.target}`,
      fix: `umount ${m.target}; a second mount cannot change btrfs options, only VFS ones`,
    }));
}

/** Options asked for in a mount table that the kernel silently did not apply (NOTES 1). */
export function checkIgnoredOptions(state: LiveState): DoctorFinding[] {
  return state.requested.flatMap((req) => {
    const live = state.mounts.find((m) => m.target === req.target);
    if (live === undefined || live.fstype !== 'btrfs') return [];
    const effective = new Set(live.options);
    return req.options
      .filter((o) => isFilesystemWide(o) && !effective.has(o))
      .map((o) => ({
        id: 'option-ignored', severity: 'warning' as const, subject: req.target,
        expected: `${o} (asked for in the mount table)`, found: `not in effect: ${live.options.filter((x) => isFilesystemWide(x)).join(',') || 'no btrfs options'}`,
        fix: o.startsWith('nodatacow') ? `drop ${o}; use chattr +C on the empty subvolume root` : `drop ${o} from this mount; filesystem-wide options come from the first mount`,
      }));
  });
}

function normaliseCompression(value: string | null): string | null {
  if (value === null || value === '') return null;
  const alg = value.split(':')[0]!;
  return alg === 'no' ? 'none' : alg;
}
