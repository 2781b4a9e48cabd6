// StoragePlan → a NixOS module for what disko does not cover: no-CoW that survives re-creation,
// per-subvolume compression at runtime, scrubbing, early mounts, and the snapshot and backup timers.
// A function `{ pkgs, ... }:` that only needs `pkgs.btrfs-progs` (and takes `pkgs.panther-storage` when
// it is there), so it evaluates with a stub (the integration tests do exactly that).
import type { PoolPlan, StoragePlan } from '../plan/types.ts';
import { generatedHeader } from './describe.ts';
import { checkRenderable } from './guard.ts';
import { attrs, indented, nixComment, nixString, printNix, raw, type NixEntry, type NixValue } from './nix.ts';
import { shellQuote, shellWord } from './shell.ts';
import { execWord, isPantherCommand, pantherUnits, unitDescription, type PantherUnit, type UnitValue } from './systemd.ts';

/** Mounted in the initrd so early logs persist and the store is there before stage 2. */
const EARLY_MOUNTS = ['/nix', '/var/log'];

const mounted = (plan: StoragePlan) =>
  plan.pools.flatMap((pool) => pool.subvolumes.flatMap((s) => (s.mountPoint === null ? [] : [{ pool, s, mountPoint: s.mountPoint }])));

/** tmpfiles expands %-specifiers in paths; %% is a literal %. */
const tmpfilesPath = (path: string): string => path.replaceAll('%', '%%');

/** Scrub works per filesystem, through any mount of it: '/' when the pool has it, else its first mount. */
export function scrubMountPoint(pool: PoolPlan): string | null {
  const points = pool.subvolumes.flatMap((s) => (s.mountPoint === null ? [] : [s.mountPoint]));
  return points.includes('/') ? '/' : points[0] ?? null;
}

function tmpfiles(plan: StoragePlan): NixEntry {
  const rules = mounted(plan).filter((m) => !m.s.cow).map((m) => `h ${tmpfilesPath(m.mountPoint)} - - - - +C`);
  // Snapshots keep every user's old and deleted files: their directories are root-only from the first
  // boot, before any snapshot run tightens them (`z` adjusts the mode of an existing path only).
  const snapshotDirs = mounted(plan).filter((m) => plan.pools.some((p) => p.snapshotLocation?.pool === m.pool.name && p.snapshotLocation.subvolume === m.s.name));
  rules.push(...snapshotDirs.map((m) => `z ${tmpfilesPath(m.mountPoint)} 0700 root root -`));
  return {
    path: ['systemd', 'tmpfiles', 'rules'],
    comment: [
      'No-CoW is a file attribute, not a mount option (NOTES 1; docs/knowledge/btrfs.md §3): disko\'s postCreateHook sets',
      'it once on the empty subvolume roots. These rules set it again at every boot, so a subvolume that',
      'is re-created later (restore, rollback) is no-CoW again before its service writes. `h` affects only',
      'files created afterwards; existing files keep their attributes. Snapshot directories are made',
      'root-only (0700): snapshots keep every user\'s old files.',
    ],
    value: rules,
  };
}

function properties(plan: StoragePlan): NixEntry[] {
  const cow = mounted(plan).filter((m) => m.s.cow);
  if (cow.length === 0) return [];
  const script = cow.map((m) => [
    raw('pkgs.btrfs-progs'),
    `/bin/btrfs property set ${shellQuote(m.mountPoint)} compression ${shellWord(m.s.compression)}`,
  ]);
  return [{
    path: ['systemd', 'services', 'panther-btrfs-properties'],
    comment: [
      'The compression algorithm of each CoW subvolume is the btrfs.compression property of its root',
      '(the level is filesystem-wide; NOTES 1). Setting it again at every boot is idempotent and restores',
      'it on a re-created subvolume. Never on no-CoW subvolumes: the kernel refuses it there (EINVAL).',
    ],
    value: attrs([
      { path: 'description', value: 'Set panther\'s per-subvolume btrfs compression properties' },
      { path: 'wantedBy', value: ['multi-user.target'] },
      { path: 'after', value: ['local-fs.target'] },
      { path: 'serviceConfig', value: attrs([{ path: 'Type', value: 'oneshot' }, { path: 'RemainAfterExit', value: true }]) },
      { path: 'script', value: indented(script) },
    ]),
  }];
}

function scrub(plan: StoragePlan): NixEntry {
  const points = plan.pools.flatMap((pool) => {
    const point = scrubMountPoint(pool);
    return point === null ? [] : [point];
  });
  const unmounted = plan.pools.filter((pool) => scrubMountPoint(pool) === null).map((pool) => pool.name);
  return {
    path: ['services', 'btrfs', 'autoScrub'],
    comment: [
      'Monthly scrub reads every block and checks it against its checksum; one mount point per pool,',
      'since a scrub covers the whole filesystem whichever mount it is started from.',
      'No-CoW data has no checksums, so scrub cannot verify or repair it (NOTES 3): databases should',
      'keep their own page checksums (PostgreSQL: initdb --data-checksums).',
      ...(unmounted.length === 0 ? [] : [`Not scrubbed: pool(s) ${unmounted.join(', ')} (no mounted subvolume).`]),
    ],
    value: attrs([
      { path: 'enable', value: true },
      { path: 'interval', value: 'monthly' },
      { path: 'fileSystems', value: points },
    ]),
  };
}

function earlyMounts(plan: StoragePlan): NixEntry[] {
  const present = EARLY_MOUNTS.filter((mp) => mounted(plan).some((m) => m.mountPoint === mp));
  return present.map((mp, i) => ({
    path: ['fileSystems', mp, 'neededForBoot'],
    comment: i > 0 ? [] : [
      'Mounted in the initrd, before stage 2 starts: /nix holds the system being booted, and /var/log',
      'gets logs from the start of stage 2 instead of early files hidden on the root subvolume under the',
      'later mount. NixOS already treats these paths so (utils.pathsNeededForBoot); saying it here keeps',
      'the intent visible and independent of that list.',
    ],
    value: true,
  }));
}

/**
 * The start of a Nix string holding panther's path: the package when an overlay provides
 * `pkgs.panther-storage` (the project's package name, not a bare `panther` that could be some other
 * program), else the system profile. `or` keeps the module evaluable with a pkgs that lacks it.
 */
const PANTHER_EXE = '"${pkgs.panther-storage or "/run/current-system/sw"}/bin/panther';

function nixUnitValue(value: UnitValue): NixValue {
  if (!isPantherCommand(value)) return value;
  // The arguments go through the Nix string printer; only the fixed prefix above is raw code.
  return raw(PANTHER_EXE + nixString(` ${value.pantherArgs.map(execWord).join(' ')}`).slice(1));
}

function unitEntry(unit: PantherUnit, comment: readonly string[]): NixEntry {
  const dot = unit.name.lastIndexOf('.');
  const isTimer = unit.name.slice(dot) === '.timer';
  const settings = attrs(unit.settings.map(([key, value]) => ({ path: key, value: nixUnitValue(value) })));
  return {
    path: ['systemd', isTimer ? 'timers' : 'services', unit.name.slice(0, dot)],
    comment,
    value: attrs([
      { path: 'description', value: unitDescription(unit) },
      ...(unit.wants.length === 0 ? [] : [{ path: 'wants', value: unit.wants }]),
      ...(unit.after.length === 0 ? [] : [{ path: 'after', value: unit.after }]),
      ...(unit.wantedBy.length === 0 ? [] : [{ path: 'wantedBy', value: unit.wantedBy }]),
      ...(unit.keepRunningOnSwitch === true ? [{ path: 'restartIfChanged', value: false }] : []),
      { path: isTimer ? 'timerConfig' : 'serviceConfig', value: settings },
    ]),
  };
}

function schedule(plan: StoragePlan): NixEntry[] {
  // Units of one kind share their explanation; in one module it is said once, above the first.
  const said = new Set<string>();
  return pantherUnits(plan).map((unit, i) => {
    const key = unit.comment.join('\n');
    const comment = said.has(key) ? [] : unit.comment;
    said.add(key);
    return unitEntry(unit, [
      ...(i > 0 ? [] : ['Snapshot and backup schedule: the units `panther render systemd` writes as unit files.', '']),
      ...comment,
    ]);
  });
}

export function renderNixos(plan: StoragePlan): string {
  checkRenderable(plan);
  const body = attrs([
    {
      path: ['boot', 'supportedFilesystems'],
      comment: ['btrfs kernel module and btrfs-progs in the initrd and the system.'],
      value: ['btrfs'],
    },
    tmpfiles(plan),
    ...properties(plan),
    scrub(plan),
    ...earlyMounts(plan),
    ...schedule(plan),
  ]);
  const header = nixComment([
    ...generatedHeader(plan, 'nixos'),
    '',
    'Import this module next to the disko configuration: disko declares partitions, filesystems,',
    'subvolumes, mounts and swap; this module adds what disko cannot express.',
  ]);
  return `${header}\n{ pkgs, ... }:\n${printNix(body)}\n`;
}
