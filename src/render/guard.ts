// Last line of defence before text leaves the renderer. Lint judges plans; this refuses only what
// would make a rendered file wrong or unsafe no matter what lint said: disko pastes names, paths and
// mount options into its shell scripts (some unquoted), and fs-wide btrfs options on a subvolume
// mount are silently ignored (NOTES 1).
import { ExitCode, PantherError } from '../core/errors.ts';
import type { PoolPlan, StoragePlan, SubvolumePlan } from '../plan/types.ts';

/** btrfs options that apply to the whole filesystem, by key (the part before `=`); btrfs(5). */
const FILESYSTEM_WIDE = new Set([
  'compress', 'compress-force', 'datacow', 'nodatacow', 'datasum', 'nodatasum', 'autodefrag', 'noautodefrag',
  'space_cache', 'nospace_cache', 'clear_cache', 'discard', 'nodiscard', 'ssd', 'nossd', 'ssd_spread',
  'nossd_spread', 'commit', 'max_inline', 'flushoncommit', 'noflushoncommit', 'degraded', 'device',
  'thread_pool', 'user_subvol_rm_allowed', 'rescue', 'skip_balance', 'barrier', 'nobarrier', 'treelog',
  'notreelog', 'fatal_errors', 'metadata_ratio', 'norecovery', 'usebackuproot', 'nologreplay', 'acl', 'noacl',
]);
/** Never rendered: no-CoW is `chattr +C` per subvolume, not a mount option (NOTES 1, 2). */
const NEVER = new Set(['nodatacow', 'nodatasum']);
/** disko adds `subvol=<name>` itself; a second one would select a different subvolume. */
const SELECTORS = new Set(['subvol', 'subvolid']);

// disko interpolates names and paths into double-quoted shell words, and mount options unquoted.
const SAFE_NAME = /^[^\s"$`\\\x00-\x1f\x7f]+$/;
const SAFE_OPTION = /^[A-Za-z0-9_@%+=:,./-]+$/;

export const optionKey = (option: string): string => option.split('=')[0]!;
export const isFilesystemWide = (option: string): boolean => FILESYSTEM_WIDE.has(optionKey(option));

function refuse(subject: string, message: string, hint: string): never {
  throw new PantherError('render-refused', `${subject}: ${message}`, { subject, hint, exitCode: ExitCode.refused });
}

function checkName(subject: string, what: string, value: string): void {
  if (!SAFE_NAME.test(value)) {
    refuse(subject, `${what} ${JSON.stringify(value)} contains whitespace, a control character or one of " $ \` \\`,
      'disko pastes it into shell scripts; rename it');
  }
}

function checkPool(pool: PoolPlan): void {
  const at = `pool ${pool.name}`;
  checkName(at, 'pool name', pool.name);
  checkName(at, 'device', pool.device);
  for (const option of pool.filesystemOptions) {
    if (!SAFE_OPTION.test(option)) refuse(at, `filesystem option ${JSON.stringify(option)} is not a plain word`, 'fix the option');
    if (NEVER.has(optionKey(option)) || SELECTORS.has(optionKey(option))) {
      refuse(at, `filesystem option ${option} would apply to every subvolume of the pool`,
        'remove it; mark no-CoW subvolumes with cow: false instead (chattr +C, NOTES 1)');
    }
  }
  if (pool.boot === 'esp' || pool.boot === 'hybrid') {
    if (pool.espSizeBytes < 1024 ** 2) refuse(at, `ESP of ${pool.espSizeBytes} bytes`, 'give the ESP at least 1 MiB (512M is usual)');
  }
  for (const subvolume of pool.subvolumes) checkSubvolume(pool, subvolume);
}

function checkSubvolume(pool: PoolPlan, s: SubvolumePlan): void {
  const at = `${pool.name}/${s.name}`;
  checkName(at, 'subvolume name', s.name);
  if (s.mountPoint !== null) {
    checkName(at, 'mount point', s.mountPoint);
    if (!s.mountPoint.startsWith('/')) refuse(at, `mount point ${s.mountPoint} is not absolute`, 'use an absolute path');
  }
  for (const option of s.mountOptions) {
    if (!SAFE_OPTION.test(option)) refuse(at, `mount option ${JSON.stringify(option)} is not a plain word`, 'fix the option');
    const key = optionKey(option);
    if (NEVER.has(key) || SELECTORS.has(key) || (isFilesystemWide(option) && !pool.filesystemOptions.includes(option))) {
      refuse(at, `mount option ${option} applies to the whole filesystem and would be ignored on this subvolume`,
        key === 'nodatacow' || key === 'nodatasum' ? 'set cow: false (chattr +C) instead' :
          key.startsWith('compress') ? 'set the subvolume\'s compression (btrfs property) instead' : 'move it to the pool\'s filesystemOptions');
    }
  }
  if (s.swapfile !== null) {
    if (s.mountPoint === null) refuse(at, 'a swapfile needs a mounted subvolume', 'give the swap subvolume a mount point');
    checkName(at, 'swapfile path', s.swapfile.path);
    if (s.swapfile.path.startsWith('/') || s.swapfile.path.split('/').includes('..')) {
      refuse(at, `swapfile path ${s.swapfile.path} must stay inside the subvolume`, 'use a relative path such as "swapfile"');
    }
    if (s.swapfile.sizeBytes < 1024 ** 2) refuse(at, `swapfile of ${s.swapfile.sizeBytes} bytes`, 'use at least 1M');
  }
}

/** Throws PantherError "render-refused" (exit code 3) when the plan cannot be rendered safely. */
export function checkRenderable(plan: StoragePlan): void {
  for (const pool of plan.pools) checkPool(pool);
}
