// The disko postCreateHook for one pool: sets what mount options cannot (NOTES 1) on the subvolumes
// disko just created. disko runs it after every subvolume exists, in the btrfs content's subshell with
// `$device` set, and after its own temporary mounts are gone (docs/knowledge/disko-and-nixos.md §1), so it mounts the
// top level itself. Rendered as shell lines; every plan-derived word goes through shellQuote.
import type { PoolPlan } from '../plan/types.ts';
import { shellQuote, shellWord } from './shell.ts';

const at = (name: string): string => `"$top"/${shellQuote(name)}`;

export function postCreateHookLines(pool: PoolPlan): string[] {
  const noCow = pool.subvolumes.filter((s) => !s.cow);
  const compressed = pool.subvolumes.filter((s) => s.cow);
  if (noCow.length === 0 && compressed.length === 0) return [];
  return [
    '# panther: per-subvolume no-CoW and compression, which btrfs mount options cannot express.',
    '# Own subshell so the trap and the strict mode stay local to this hook.',
    '(',
    '  set -euo pipefail',
    '  top=$(mktemp -d)',
    '  trap \'rmdir "$top"\' EXIT',
    '  mount -t btrfs -o subvol=/ "$device" "$top"',
    '  trap \'umount "$top"; rmdir "$top"\' EXIT',
    ...(noCow.length === 0 ? [] : [
      '',
      '  # chattr +C exits 0 without effect on non-empty files, so prove the attribute took.',
      '  verify_nocow() {',
      '    local flags',
      '    flags=$(lsattr -d "$1")',
      '    case "${flags%% *}" in',
      '      *C*) ;;',
      '      *) echo "panther: chattr +C did not take on $1 (attributes: ${flags%% *})" >&2; exit 1 ;;',
      '    esac',
      '  }',
      '',
      '  # No-CoW: on the still-empty subvolume root, so every file created below inherits C.',
      ...noCow.flatMap((s) => [`  chattr +C ${at(s.name)}`, `  verify_nocow ${at(s.name)}`]),
    ]),
    ...(compressed.length === 0 ? [] : [
      '',
      '  # Compression algorithm inherited by new files (the level stays filesystem-wide). Not on',
      '  # no-CoW subvolumes: the kernel refuses the property there (EINVAL).',
      ...compressed.map((s) => `  btrfs property set ${at(s.name)} compression ${shellWord(s.compression)}`),
    ]),
    ')',
  ];
}
