// NOTES 2 and 3: what no-CoW costs. nodatacow/+C implies nodatasum and disables compression
// (ch-mount-options.rst); scrub verifies metadata only for such files and cannot repair them
// (ch-scrub-intro.rst). /nix never needs it: hard links are directory entries, not copies (docs/knowledge/btrfs.md §8).
import type { Finding, StoragePlan, SubvolumePlan } from '../types.ts';
import { finding, isNix, isSwap, overrideOf, shown, subvolumeSubject, subvolumes, type RuleInfo } from './rule.ts';

export const NOCOW_RULES: RuleInfo[] = [
  {
    id: 'nix-nocow', title: '/nix planned no-CoW', severity: 'warning', notes: 'NOTES 2',
    description: 'The Nix store is planned no-CoW. The premise ("hard links cannot use CoW") is false, and no-CoW loses compression and checksums for the whole store. Acknowledge it to keep an explicit override.',
  },
  {
    id: 'nix-nocow-requested', title: 'spec asked for nodatacow on /nix; the plan keeps CoW', severity: 'info', notes: 'NOTES 2',
    description: 'The spec\'s compress=zstd:1,nodatacow for /nix contradicts itself and rests on a false premise; the plan keeps CoW with compression.',
  },
  {
    id: 'nocow-compressed', title: 'no-CoW subvolume with a compression property', severity: 'warning', notes: 'NOTES 2',
    description: 'A no-CoW subvolume asks for compression. No-CoW data is never compressed, and setting the compression property on a +C directory fails with EINVAL.',
  },
  {
    id: 'nocow-no-checksums', title: 'no-CoW data has no checksums', severity: 'warning', notes: 'NOTES 3',
    description: 'Warning for database subvolumes, info for other no-CoW data (swap and temp are exempt): scrub cannot detect or repair corruption of no-CoW files, so the application has to checksum its own data (PostgreSQL: initdb --data-checksums, checked by doctor).',
  },
];

export function checkNixNocow(plan: StoragePlan): Finding[] {
  return subvolumes(plan).filter(({ sub }) => isNix(sub) && !sub.cow).map(({ pool, sub }) =>
    finding('nix-nocow', 'warning', subvolumeSubject(pool, sub),
      `${shown(sub.name)} holds the Nix store and is planned no-CoW. The reason usually given ("hard links can't use CoW") is false: a hard link is a second directory entry for the same inode and copies nothing (docs/knowledge/btrfs.md §8). No-CoW only costs here: store files lose compression (the store compresses roughly 2×) and data checksums, so scrub cannot detect a corrupted store path.`,
      `remove ${overrideOf(sub, 'cow')} = false; if you measured a reason to keep it, acknowledge with overrides.acknowledge["nix-nocow"] = "<why>"`));
}

export function checkNixNocowRequested(plan: StoragePlan): Finding[] {
  return subvolumes(plan).filter(({ sub }) => isNix(sub) && sub.cow && sub.requestedMountOptions.includes('nodatacow')).map(({ pool, sub }) =>
    finding('nix-nocow-requested', 'info', subvolumeSubject(pool, sub),
      `the spec asks for ${sub.requestedMountOptions.map(shown).join(',')} on ${shown(sub.mountPoint ?? sub.name)}; the plan keeps CoW with ${sub.compression} compression. The request contradicts itself (nodatacow disables compression; in one option list the later option wins) and rests on a false premise (hard links do not need nodatacow, docs/knowledge/btrfs.md §8).`,
      `nothing to do; to force no-CoW set ${overrideOf(sub, 'cow')} = false (lint then warns nix-nocow until acknowledged)`));
}

export function checkNocowCompressed(plan: StoragePlan): Finding[] {
  return subvolumes(plan).filter(({ sub }) => !sub.cow && sub.compression !== 'none').map(({ pool, sub }) =>
    finding('nocow-compressed', 'warning', subvolumeSubject(pool, sub),
      `${shown(sub.name)} is no-CoW but asks for ${sub.compression} compression: no-CoW data is never compressed ("nodatacow … disables compression", ch-mount-options.rst), and "btrfs property set <dir> compression ${sub.compression}" on a +C directory fails with EINVAL (tested), so provisioning would fail.`,
      `set ${overrideOf(sub, 'compression')} = "none", or ${overrideOf(sub, 'cow')} = true if compression matters more`));
}

function checksumAdvice(sub: SubvolumePlan): string {
  const where = `${sub.name} ${sub.mountPoint ?? ''}`.toLowerCase();
  if (/postgres|pgsql/.test(where)) {
    return 'initialise the PostgreSQL cluster with "initdb --data-checksums" (the default from PostgreSQL 18; an existing cluster: "pg_checksums --enable" while stopped); check with SHOW data_checksums, which panther doctor reports';
  }
  if (where.includes('redis')) return 'keep Redis RDB checksums on (rdbchecksum yes, the default) and back up the RDB/AOF files';
  if (where.includes('mysql') || where.includes('mariadb')) return 'keep InnoDB page checksums on (innodb_checksum_algorithm) and back up with dumps';
  return 'enable the application\'s own checksums and back up with application-level dumps';
}

export function checkNocowNoChecksums(plan: StoragePlan): Finding[] {
  // Swap and temp hold nothing that outlives a reboot, so there is nothing to verify.
  return subvolumes(plan).filter(({ sub }) => !sub.cow && !isSwap(sub) && sub.workload !== 'temp').map(({ pool, sub }) => {
    const database = sub.workload === 'database';
    return finding('nocow-no-checksums', database ? 'warning' : 'info', subvolumeSubject(pool, sub),
      `${shown(sub.name)} is no-CoW, which implies no data checksums (chattr +C implies NODATASUM): scrub verifies only its metadata and cannot detect or repair corrupted data${database ? '; for a database that means silent corruption reaches the snapshots and backups' : ''}.`,
      database ? checksumAdvice(sub) : `accept it for ${sub.workload} data, or set ${overrideOf(sub, 'cow')} = true to keep checksums`);
  });
}
