// StoragePlan → a disko configuration: a plain attribute set `{ disko.devices = …; }`, no function and
// no nixpkgs, so it can be imported by a flake or evaluated on its own (`nix-instantiate --eval`).
// One disk per pool, each its own btrfs filesystem (docs/knowledge/disko-and-nixos.md §3).
import { toDiskoSize } from '../core/bytes.ts';
import type { PoolPlan, StoragePlan, SubvolumePlan } from '../plan/types.ts';
import { effectiveMountOptions, generatedHeader, poolCompression, subvolumeSummary } from './describe.ts';
import { checkRenderable } from './guard.ts';
import { postCreateHookLines } from './hook.ts';
import { attrs, indented, nixComment, printNix, type NixEntry, type NixValue } from './nix.ts';
import { shellWord } from './shell.ts';

const BIOS_BOOT: NixEntry = {
  path: 'boot',
  comment: ['BIOS boot partition: GRUB stores its core image here when the machine boots legacy BIOS.'],
  value: attrs([
    { path: 'priority', value: 1 },
    { path: 'size', value: '1M' },
    { path: 'type', value: 'EF02' },
  ]),
};

function esp(pool: PoolPlan, priority: number): NixEntry {
  return {
    path: 'ESP',
    comment: ['EFI system partition, mounted at /boot; umask=0077 keeps the boot loader files private.'],
    value: attrs([
      { path: 'priority', value: priority },
      { path: 'size', value: toDiskoSize(pool.espSizeBytes) },
      { path: 'type', value: 'EF00' },
      {
        path: 'content',
        value: attrs([
          { path: 'type', value: 'filesystem' },
          { path: 'format', value: 'vfat' },
          { path: 'mountpoint', value: '/boot' },
          { path: 'mountOptions', value: ['umask=0077'] },
        ]),
      },
    ]),
  };
}

function bootPartitions(pool: PoolPlan): NixEntry[] {
  switch (pool.boot) {
    case 'esp': return [esp(pool, 1)];
    case 'bios': return [BIOS_BOOT];
    // BIOS boot first: some BIOS implementations want it at the start of the disk.
    case 'hybrid': return [BIOS_BOOT, esp(pool, 2)];
    case 'none': return [];
  }
}

function subvolume(pool: PoolPlan, s: SubvolumePlan): NixEntry {
  const fields: NixEntry[] = [];
  // Without a mount point disko neither mounts the subvolume nor uses its options (it warns about them).
  if (s.mountPoint !== null) {
    fields.push({ path: 'mountpoint', value: s.mountPoint });
    fields.push({ path: 'mountOptions', value: effectiveMountOptions(pool, s) });
  }
  if (s.swapfile !== null) {
    fields.push({
      path: ['swap', 'swapfile'],
      comment: ['disko creates it with `btrfs filesystem mkswapfile` (no-CoW, preallocated, mode 0600).'],
      value: attrs([
        { path: 'size', value: toDiskoSize(s.swapfile.sizeBytes) },
        { path: 'path', value: s.swapfile.path },
      ]),
    });
  }
  return { path: s.name, comment: subvolumeSummary(pool, s), value: attrs(fields) };
}

function btrfs(pool: PoolPlan): NixValue {
  const hook = postCreateHookLines(pool);
  return attrs([
    { path: 'type', value: 'btrfs' },
    // -f: the disk was chosen by the plan and disko only formats a device without a filesystem anyway.
    { path: 'extraArgs', value: ['-f', '-L', shellWord(pool.label)] },
    { path: 'subvolumes', value: attrs(pool.subvolumes.map((s) => subvolume(pool, s))) },
    ...(hook.length === 0 ? [] : [{
      path: 'postCreateHook',
      comment: ['Runs once after disko created the subvolumes above; see the comments inside.'],
      value: indented(hook),
    }]),
  ]);
}

function disk(pool: PoolPlan): NixEntry {
  const compress = poolCompression(pool);
  return {
    path: pool.name,
    comment: [
      `Pool ${pool.name}: btrfs labelled ${pool.label} on ${pool.device}.`,
      `Filesystem-wide options: ${pool.filesystemOptions.join(',') || 'none'}${compress === null ? ' (no compression)' : ''}.`,
    ],
    value: attrs([
      { path: 'type', value: 'disk' },
      { path: 'device', value: pool.device },
      {
        path: 'content',
        value: attrs([
          { path: 'type', value: 'gpt' },
          {
            path: 'partitions',
            value: attrs([
              ...bootPartitions(pool),
              {
                path: 'root',
                value: attrs([{ path: 'size', value: '100%' }, { path: 'content', value: btrfs(pool) }]),
              },
            ]),
          },
        ]),
      },
    ]),
  };
}

const EXPLANATION = [
  '',
  'btrfs applies compress= and its other filesystem options once per filesystem: whichever subvolume',
  'mounts first wins and later mounts silently ignore theirs. So every subvolume repeats its pool\'s',
  'options and adds only per-mount options (noatime, nodev, nosuid, noexec). No-CoW and per-subvolume',
  'compression are file attributes, set by each pool\'s postCreateHook (NOTES 1).',
];

export function renderDisko(plan: StoragePlan): string {
  checkRenderable(plan);
  const body = attrs([{
    path: ['disko', 'devices'],
    value: attrs([{ path: 'disk', value: attrs(plan.pools.map(disk)) }]),
  }]);
  return `${nixComment([...generatedHeader(plan, 'disko'), ...EXPLANATION])}\n${printNix(body)}\n`;
}
