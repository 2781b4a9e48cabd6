// Last line of defence before text leaves the renderer. Lint judges plans; this refuses only what
// would make a rendered file wrong or unsafe no matter what lint said: disko pastes names, paths and
// mount options into its shell scripts (some unquoted), and fs-wide btrfs options on a subvolume
// mount are silently ignored (NOTES 1).
import { ExitCode, PantherError } from '../core/errors.ts';
import { isFilesystemWide } from '../plan/mount-options.ts';
import type { PoolPlan, StoragePlan, SubvolumePlan } from '../plan/types.ts';

/** Never rendered: no-CoW is `chattr +C` per subvolume, not a mount option (NOTES 1, 2). */
const NEVER = new Set(['nodatacow', 'nodatasum']);
/** disko adds `subvol=<name>` itself; a second one would select a different subvolume. */
const SELECTORS = new Set(['subvol', 'subvolid']);

// disko interpolates paths and devices into double-quoted shell words; those only need to stay
// inside their quotes.
const SAFE_NAME = /^[^\s"$`\\\x00-\x1f\x7f]+$/;
// Subvolume names, mount options and labels it pastes unquoted (`mount … -o ${opt} -o subvol=${name}`,
// mkfs extraArgs): there only a fixed set of characters is safe, whatever --force or lint said.
// "," is not in it either: mount would split the option in two. One entry per field.
const UNQUOTED: Record<string, { allowed: RegExp; shown: string }> = {
  'subvolume name': { allowed: /[A-Za-z0-9@._+/-]/, shown: 'A-Z a-z 0-9 @ . _ + - /' },
  'swapfile path': { allowed: /[A-Za-z0-9@._+/-]/, shown: 'A-Z a-z 0-9 @ . _ + - /' },
  'mount option': { allowed: /[A-Za-z0-9_@%+=:./-]/, shown: 'A-Z a-z 0-9 _ @ % + = : . / -' },
  'filesystem option': { allowed: /[A-Za-z0-9_@%+=:./-]/, shown: 'A-Z a-z 0-9 _ @ % + = : . / -' },
  label: { allowed: /[A-Za-z0-9@._+-]/, shown: 'A-Z a-z 0-9 @ . _ + -' },
};

export const optionKey = (option: string): string => option.split('=')[0]!;

function refuse(subject: string, message: string, hint: string): never {
  throw new PantherError('render-refused', `${subject}: ${message}`, { subject, hint, exitCode: ExitCode.refused });
}

/** A field disko pastes unquoted into shell: only the field's safe characters, no leading "-". */
function checkUnquoted(subject: string, what: keyof typeof UNQUOTED, value: string): void {
  const { allowed, shown } = UNQUOTED[what]!;
  const bad = [...value].find((c) => !allowed.test(c));
  if (value === '' || bad !== undefined) {
    const which = bad === undefined ? 'is empty' : `contains ${JSON.stringify(bad)}${bad.codePointAt(0)! < 0x20 ? ` (U+${bad.codePointAt(0)!.toString(16).padStart(4, '0').toUpperCase()})` : ''}`;
    refuse(subject, `${what} ${JSON.stringify(value)} ${which}; disko pastes the ${what} into a shell command unquoted, so only ${shown} are allowed`,
      `change the ${what} in the profile, inventory or plan (render --force does not bypass this)`);
  }
  if (value.startsWith('-')) refuse(subject, `${what} ${JSON.stringify(value)} starts with "-"`, `change the ${what}: it would be read as a command-line option`);
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
  checkUnquoted(at, 'label', pool.label);
  for (const option of pool.filesystemOptions) {
    checkUnquoted(at, 'filesystem option', option);
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
  checkUnquoted(at, 'subvolume name', s.name);
  if (s.name.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) {
    refuse(at, `subvolume name ${JSON.stringify(s.name)} has an empty, "." or ".." segment`, 'use plain names such as "@data" or "@data/sub"');
  }
  if (s.mountPoint !== null) {
    checkName(at, 'mount point', s.mountPoint);
    if (!s.mountPoint.startsWith('/')) refuse(at, `mount point ${s.mountPoint} is not absolute`, 'use an absolute path');
  }
  for (const option of s.mountOptions) {
    checkUnquoted(at, 'mount option', option);
    const key = optionKey(option);
    if (NEVER.has(key) || SELECTORS.has(key) || (isFilesystemWide(option) && !pool.filesystemOptions.includes(option))) {
      refuse(at, `mount option ${option} applies to the whole filesystem and would be ignored on this subvolume`,
        key === 'nodatacow' || key === 'nodatasum' ? 'set cow: false (chattr +C) instead' :
          key.startsWith('compress') ? 'set the subvolume\'s compression (btrfs property) instead' : 'move it to the pool\'s filesystemOptions');
    }
  }
  if (s.swapfile !== null) {
    if (s.mountPoint === null) refuse(at, 'a swapfile needs a mounted subvolume', 'give the swap subvolume a mount point');
    checkUnquoted(at, 'swapfile path', s.swapfile.path);
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
