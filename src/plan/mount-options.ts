// What we know about each mount option: is it real (btrfs(5) "MOUNT OPTIONS", mount(8)), does it act per
// mount or on the whole filesystem (docs/knowledge/btrfs.md §1), and which "family" it belongs to so that `ssd` and
// `nossd`, or `compress=zstd:1` and `compress=no`, are recognised as two values of one setting.
// Kernel option table checked against fs/btrfs/super.c `btrfs_fs_parameters` (6.x).
// The one table: lint, the render guard (render/guard.ts) and doctor (provision/doctor/) all ask it
// which options are filesystem-wide.

/**
 * mount: a VFS per-mount flag (or the subvolume selector); filesystem: one state per btrfs filesystem
 * or superblock, taken from the first mount; userspace: read by mount(8)/systemd, never by the kernel.
 */
export type OptionScope = 'mount' | 'filesystem' | 'userspace';

export interface ParsedOption {
  raw: string;
  name: string;
  value: string | null;
  scope: OptionScope;
  /** Options of one family set the same thing; the last one in a list wins. */
  family: string;
}

export type OptionCheck = { ok: true; option: ParsedOption } | { ok: false; reason: string };

// Per-mount VFS flags (MNT_* in the kernel). sync, dirsync and lazytime are superblock flags (SB_*),
// so on a second subvolume mount they are as ineffective as compress=.
const PER_MOUNT_FLAGS: Record<string, string> = {
  ro: 'ro', rw: 'ro',
  noatime: 'atime', atime: 'atime', relatime: 'atime', norelatime: 'atime', strictatime: 'atime', nostrictatime: 'atime',
  nodiratime: 'diratime', diratime: 'diratime',
  nodev: 'dev', dev: 'dev', nosuid: 'suid', suid: 'suid', noexec: 'exec', exec: 'exec',
  nosymfollow: 'symfollow', symfollow: 'symfollow',
};

const USERSPACE_FLAGS = new Set(['defaults', 'auto', 'noauto', 'nofail', 'user', 'nouser', 'users', 'owner', 'group', '_netdev', 'x-initrd.mount']);

const FILESYSTEM_FLAGS: Record<string, string> = {
  acl: 'acl', noacl: 'acl',
  autodefrag: 'autodefrag', noautodefrag: 'autodefrag',
  barrier: 'barrier', nobarrier: 'barrier',
  clear_cache: 'clear_cache',
  compress: 'compress', 'compress-force': 'compress',
  datacow: 'datacow', nodatacow: 'datacow',
  datasum: 'datasum', nodatasum: 'datasum',
  degraded: 'degraded',
  discard: 'discard', nodiscard: 'discard',
  flushoncommit: 'flushoncommit', noflushoncommit: 'flushoncommit',
  rescan_uuid_tree: 'rescan_uuid_tree',
  skip_balance: 'skip_balance',
  space_cache: 'space_cache', nospace_cache: 'space_cache',
  ssd: 'ssd', nossd: 'ssd', ssd_spread: 'ssd', nossd_spread: 'ssd',
  treelog: 'treelog', notreelog: 'treelog',
  user_subvol_rm_allowed: 'user_subvol_rm_allowed',
  // Deprecated spellings of rescue=…, still accepted by the kernel.
  nologreplay: 'rescue', usebackuproot: 'rescue', norecovery: 'rescue',
  enospc_debug: 'enospc_debug', noenospc_debug: 'enospc_debug',
  sync: 'sync', async: 'sync', dirsync: 'dirsync', lazytime: 'lazytime', nolazytime: 'lazytime',
};

const RESCUE = ['usebackuproot', 'nologreplay', 'ignorebadroots', 'ibadroots', 'ignoredatacsums', 'idatacsums',
  'ignoremetacsums', 'imetacsums', 'ignoresuperflags', 'isuperflags', 'all'];

interface ValueRule {
  scope: OptionScope;
  family?: string;
  valid: (value: string) => boolean;
  expected: string;
}

const VALUED: Record<string, ValueRule> = {
  subvol: { scope: 'mount', valid: (v) => v.length > 0, expected: 'a subvolume path' },
  subvolid: { scope: 'mount', family: 'subvol', valid: (v) => /^\d+$/.test(v), expected: 'a subvolume id' },
  compress: { scope: 'filesystem', valid: (v) => parseCompressValue(v) !== null, expected: 'zstd[:-15..15], zlib[:1..9], lzo, no or none' },
  'compress-force': { scope: 'filesystem', family: 'compress', valid: (v) => parseCompressValue(v) !== null, expected: 'zstd[:-15..15], zlib[:1..9], lzo, no or none' },
  commit: { scope: 'filesystem', valid: (v) => /^\d+$/.test(v), expected: 'seconds' },
  max_inline: { scope: 'filesystem', valid: (v) => /^\d+[kKmMgG]?$/.test(v), expected: 'bytes, optionally with k/m/g' },
  metadata_ratio: { scope: 'filesystem', valid: (v) => /^\d+$/.test(v), expected: 'a number' },
  thread_pool: { scope: 'filesystem', valid: (v) => /^[1-9]\d*$/.test(v), expected: 'a number above 0' },
  device: { scope: 'filesystem', valid: (v) => v.startsWith('/'), expected: 'a device path' },
  discard: { scope: 'filesystem', valid: (v) => v === 'sync' || v === 'async', expected: 'sync or async' },
  space_cache: { scope: 'filesystem', valid: (v) => v === 'v1' || v === 'v2', expected: 'v1 or v2' },
  fatal_errors: { scope: 'filesystem', valid: (v) => v === 'panic' || v === 'bug', expected: 'panic or bug' },
  rescue: { scope: 'filesystem', valid: (v) => v.split(':').every((r) => RESCUE.includes(r)), expected: RESCUE.join(', ') },
  // SELinux labels are superblock-wide.
  context: { scope: 'filesystem', valid: (v) => v.length > 0, expected: 'an SELinux context' },
  fscontext: { scope: 'filesystem', valid: (v) => v.length > 0, expected: 'an SELinux context' },
  defcontext: { scope: 'filesystem', valid: (v) => v.length > 0, expected: 'an SELinux context' },
  rootcontext: { scope: 'filesystem', valid: (v) => v.length > 0, expected: 'an SELinux context' },
  comment: { scope: 'userspace', valid: () => true, expected: 'text' },
};

/** Names (the part before "=") of the options btrfs applies to the whole filesystem. */
export const FILESYSTEM_WIDE_NAMES: ReadonlySet<string> = new Set([
  ...Object.keys(FILESYSTEM_FLAGS),
  ...Object.entries(VALUED).filter(([, rule]) => rule.scope === 'filesystem').map(([name]) => name),
]);

/** Whether an option acts on the whole filesystem, judged by its name alone: `compress=bogus` is one too. */
export function isFilesystemWide(raw: string): boolean {
  const eq = raw.indexOf('=');
  return FILESYSTEM_WIDE_NAMES.has(eq < 0 ? raw : raw.slice(0, eq));
}

/** Checks one option string against the allow-list; the reason says what is wrong with it. */
export function checkOption(raw: string): OptionCheck {
  if (raw.length === 0) return { ok: false, reason: 'empty option' };
  if (raw.includes(',')) return { ok: false, reason: 'contains ",", which splits it into several options' };
  if (!/^[\x21-\x7e]+$/.test(raw)) return { ok: false, reason: 'contains whitespace, control or non-ASCII characters' };
  const eq = raw.indexOf('=');
  const name = eq < 0 ? raw : raw.slice(0, eq);
  const value = eq < 0 ? null : raw.slice(eq + 1);
  // systemd and mount(8) pass x-* / X-* options to userspace only; the kernel never sees them.
  if (/^(x-systemd\.|x-mount\.|X-)/.test(name)) return { ok: true, option: { raw, name, value, scope: 'userspace', family: name } };
  if (value === null) {
    const mount = PER_MOUNT_FLAGS[name];
    if (mount !== undefined) return { ok: true, option: { raw, name, value, scope: 'mount', family: mount } };
    if (USERSPACE_FLAGS.has(name)) return { ok: true, option: { raw, name, value, scope: 'userspace', family: name } };
    const fs = FILESYSTEM_FLAGS[name];
    if (fs !== undefined) return { ok: true, option: { raw, name, value, scope: 'filesystem', family: fs } };
    return { ok: false, reason: VALUED[name] === undefined ? 'not a btrfs or mount(8) option' : `needs a value (${VALUED[name].expected})` };
  }
  const rule = VALUED[name];
  if (rule === undefined) return { ok: false, reason: FILESYSTEM_FLAGS[name] !== undefined || PER_MOUNT_FLAGS[name] !== undefined ? 'takes no value' : 'not a btrfs or mount(8) option' };
  if (!rule.valid(value)) return { ok: false, reason: `invalid value "${value}" (expected ${rule.expected})` };
  return { ok: true, option: { raw, name, value, scope: rule.scope, family: rule.family ?? name } };
}

export function parseOption(raw: string): ParsedOption | null {
  const checked = checkOption(raw);
  return checked.ok ? checked.option : null;
}

export type Algorithm = 'zstd' | 'zlib' | 'lzo' | 'none';

export interface Compression {
  algorithm: Algorithm;
  /** null = the algorithm's default level. */
  level: number | null;
}

/** Default levels (ch-compression.rst); lzo has none. */
export const DEFAULT_LEVEL: Record<Algorithm, number | null> = { zstd: 3, zlib: 3, lzo: null, none: null };

/** "zstd:3" → { zstd, 3 }; null for values the kernel would not accept. */
export function parseCompressValue(value: string): Compression | null {
  if (value === 'no' || value === 'none') return { algorithm: 'none', level: null };
  if (value === 'lzo') return { algorithm: 'lzo', level: null };
  const match = /^(zstd|zlib)(?::(-?\d+))?$/.exec(value);
  if (match === null) return null;
  const algorithm = match[1] as 'zstd' | 'zlib';
  if (match[2] === undefined) return { algorithm, level: null };
  const level = Number(match[2]);
  // zstd 1..15, negative (fast) levels since 6.15, 0 = default; zlib 1..9.
  const ok = algorithm === 'zstd' ? level >= -15 && level <= 15 : level >= 1 && level <= 9;
  return ok ? { algorithm, level: level === 0 ? null : level } : null;
}

/** The compression a compress/compress-force option selects; null when it is not one. */
export function compressionOf(option: ParsedOption): Compression | null {
  if (option.family !== 'compress') return null;
  // Bare `compress` means zlib (ch-mount-options.rst).
  return option.value === null ? { algorithm: 'zlib', level: null } : parseCompressValue(option.value);
}

/** Last valid filesystem-wide option per family: what a mount with this list ends up with. */
export function filesystemState(options: readonly string[]): Map<string, ParsedOption> {
  const state = new Map<string, ParsedOption>();
  for (const raw of options) {
    const option = parseOption(raw);
    if (option !== null && option.scope === 'filesystem') state.set(option.family, option);
  }
  return state;
}

/** The compression a pool's filesystem options give every mount ({none} when compress is not set). */
export function poolCompression(filesystemOptions: readonly string[]): Compression {
  const option = filesystemState(filesystemOptions).get('compress');
  return (option === undefined ? null : compressionOf(option)) ?? { algorithm: 'none', level: null };
}

export function levelText(c: Compression): string {
  if (c.algorithm === 'none') return 'no compression';
  const level = c.level ?? DEFAULT_LEVEL[c.algorithm];
  return level === null ? c.algorithm : `${c.algorithm}:${level}`;
}
