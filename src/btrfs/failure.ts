// Turns a failed tool run into a PantherError a user can act on. Pure: exec.ts gathers the facts,
// this file only reads them, so every mapping is unit-tested on stderr captured from real runs.
import { PantherError } from '../core/errors.ts';

export interface Diagnosis {
  /** Short, stable phrase: "not a btrfs filesystem", "device busy". */
  cause: string;
  hint: string;
}

interface Rule extends Diagnosis {
  test: RegExp;
}

// Order matters: the first match wins, so specific errno texts come before generic ones.
const RULES: readonly Rule[] = [
  {
    // btrfs-progs says it three ways: "not a btrfs filesystem", "Not a Btrfs filesystem",
    // "object is not a btrfs object" (property).
    test: /not a btrfs (filesystem|object)/i,
    cause: 'not a btrfs filesystem',
    hint: 'point it at a path on a mounted btrfs filesystem (check with `findmnt -T <path>`)',
  },
  {
    test: /Text file busy|ETXTBSY/,
    cause: 'an active swapfile is in the way',
    hint: 'swapoff the swapfile first; keep swap in its own subvolume and never snapshot it',
  },
  {
    test: /Operation not permitted|EPERM/,
    cause: 'operation not permitted',
    hint: 'not root? run as root. As root this also means an active swapfile, a running send, or a read-only subvolume',
  },
  {
    test: /Permission denied|EACCES/,
    cause: 'permission denied',
    hint: 'not root? run as root',
  },
  {
    test: /Device or resource busy|target is busy|EBUSY|\bis mounted\b/,
    cause: 'device busy',
    hint: 'device busy: unmount it or detach the loop device (see `findmnt`, `losetup -a`, `fuser -vm`)',
  },
  {
    test: /Directory not empty|ENOTEMPTY/,
    cause: 'subvolume not empty',
    hint: 'it still contains nested subvolumes: delete those first (`btrfs subvolume list -o <path>`)',
  },
  {
    test: /appears to contain an existing filesystem|contains a mountable filesystem/,
    cause: 'device holds an existing filesystem',
    hint: 'refusing to overwrite data: check the device name; wipe it deliberately only if it is really unused',
  },
  {
    test: /No such file or directory|ENOENT|No such device/,
    cause: 'missing',
    hint: 'the path or device does not exist: check the name and that the filesystem is mounted',
  },
  {
    test: /No space left on device|ENOSPC/,
    cause: 'no space left',
    hint: 'free space or grow the filesystem; `btrfs filesystem usage` shows what is allocated',
  },
  {
    test: /Read-only file system|EROFS/,
    cause: 'read-only',
    hint: 'the target is a read-only subvolume or a read-only mount',
  },
  {
    test: /Operation not supported|EOPNOTSUPP|Inappropriate ioctl/,
    cause: 'not supported here',
    hint: 'the filesystem or kernel does not support this operation (is it btrfs? is the kernel recent enough?)',
  },
];

/** Likely cause and fix for a tool's stderr, or undefined when nothing is recognised. */
export function diagnoseStderr(stderr: string): Diagnosis | undefined {
  const rule = RULES.find((r) => r.test.test(stderr));
  return rule === undefined ? undefined : { cause: rule.cause, hint: rule.hint };
}

/** For messages only: quotes arguments so a reader sees the boundaries. Never executed. */
export function displayCommand(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/** The last non-empty lines, trimmed to a readable size. */
export function lastLines(text: string, count = 5): string[] {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.length > 0)
    .slice(-count)
    .map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l));
}

export interface FailureFacts {
  cmd: string;
  args: readonly string[];
  /** The path or device the command was about. */
  subject: string;
  code: number | null;
  signal?: string | null;
  stdout: string;
  stderr: string;
  timedOutMs?: number;
}

export function commandFailed(facts: FailureFacts, cause?: unknown): PantherError {
  const output = lastLines(facts.stderr).length > 0 ? lastLines(facts.stderr) : lastLines(facts.stdout);
  const diagnosis = facts.timedOutMs === undefined ? diagnoseStderr(output.join('\n')) : {
    cause: `timed out after ${facts.timedOutMs} ms`,
    hint: 'the device may be hung or very slow; check `dmesg`',
  };
  const status = facts.timedOutMs !== undefined ? 'killed' : facts.signal ? `killed by ${facts.signal}` : `exit ${facts.code}`;
  const command = displayCommand(facts.cmd, facts.args);
  const lines = [
    `${facts.subject}: ${diagnosis?.cause ?? `${facts.cmd} failed`}`,
    `  command: ${command} (${status})`,
    ...output.map((l, i) => `  ${i === 0 ? 'output: ' : '        '}${l}`),
  ];
  return new PantherError('command-failed', lines.join('\n'), {
    subject: facts.subject,
    hint: diagnosis?.hint ?? `run \`${command}\` by hand to see the full output`,
    cause,
    details: { command, exitCode: facts.code, output, ...(diagnosis ? { likelyCause: diagnosis.cause } : {}) },
  });
}

// Debian/Ubuntu package, then the nixpkgs attribute.
const PACKAGES: Record<string, readonly [string, string]> = {
  btrfs: ['btrfs-progs', 'btrfs-progs'], 'mkfs.btrfs': ['btrfs-progs', 'btrfs-progs'],
  chattr: ['e2fsprogs', 'e2fsprogs'], lsattr: ['e2fsprogs', 'e2fsprogs'],
  sgdisk: ['gdisk', 'gptfdisk'], sfdisk: ['fdisk', 'util-linux'],
  losetup: ['mount', 'util-linux'], mount: ['mount', 'util-linux'], umount: ['mount', 'util-linux'],
  findmnt: ['util-linux', 'util-linux'], blkid: ['util-linux', 'util-linux'], wipefs: ['util-linux', 'util-linux'],
  partx: ['util-linux', 'util-linux'], flock: ['util-linux', 'util-linux'], blockdev: ['util-linux', 'util-linux'], mkswap: ['util-linux', 'util-linux'],
  setpriv: ['util-linux', 'util-linux'], unshare: ['util-linux', 'util-linux'], getfattr: ['attr', 'attr'],
  'mkfs.vfat': ['dosfstools', 'dosfstools'], udevadm: ['udev', 'systemd'],
};

export function missingTool(cmd: string, cause?: unknown): PantherError {
  const pkg = PACKAGES[cmd];
  return new PantherError('missing-tool', `${cmd}: command not found`, {
    subject: cmd,
    hint: pkg === undefined
      ? `install the package that provides ${cmd}`
      : `install it: apt-get install -y ${pkg[0]} (NixOS: add pkgs.${pkg[1]} to environment.systemPackages)`,
    cause,
  });
}

/** The Debian package that provides a tool, for requirement checks that want to print it. */
export function packageFor(cmd: string): string | undefined {
  return PACKAGES[cmd]?.[0];
}

/** The nixpkgs attribute that provides a tool: nix/package.nix puts these on the wrapper's PATH. */
export function nixPackageFor(cmd: string): string | undefined {
  return PACKAGES[cmd]?.[1];
}
