// Integration tests need root, loop devices, btrfs in the kernel and some tools. Locally a missing
// requirement skips the test and says why; in CI (CI=true) nothing may skip, so it fails instead.
import { existsSync, readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { packageFor } from '../../src/btrfs/failure.ts';
import { findOnPath } from '../../src/core/find-on-path.ts';

export interface Requirements {
  /** Tools that must be on PATH. */
  tools?: readonly string[];
}

export const BTRFS_TOOLS = ['btrfs', 'mkfs.btrfs', 'losetup', 'mount', 'umount', 'findmnt', 'blkid', 'chattr', 'lsattr'] as const;
export const PARTITION_TOOLS = ['sgdisk', 'partx', 'sfdisk', 'wipefs', 'mkfs.vfat'] as const;

const onPath = (tool: string): boolean => findOnPath(tool) !== null;

/** Every unmet requirement, as a sentence. Empty when the tests can run. */
export function unmetRequirements(req: Requirements = {}): string[] {
  const unmet: string[] = [];
  if (process.getuid?.() !== 0) unmet.push('not root (loop devices and mounts need root)');
  if (!existsSync('/dev/loop-control')) unmet.push('no /dev/loop-control (loop module not loaded, or a container without it)');
  let filesystems = '';
  try { filesystems = readFileSync('/proc/filesystems', 'utf8'); } catch { /* reported below */ }
  if (!/\tbtrfs$/m.test(filesystems)) unmet.push('kernel has no btrfs (not in /proc/filesystems; try modprobe btrfs)');
  for (const tool of req.tools ?? BTRFS_TOOLS) {
    if (!onPath(tool)) unmet.push(`${tool} not found (apt-get install -y ${packageFor(tool) ?? tool})`);
  }
  return unmet;
}

const reported = new Set<string>();

/**
 * For `test(name, { skip: skipReason() }, fn)`: a reason string to skip, or false to run.
 * Throws in CI, so the file fails instead of silently skipping.
 */
export function skipReason(req: Requirements = {}): string | false {
  return skipOrFail('integration', unmetRequirements(req));
}

/** `unmet` as a reason to skip (said once on stderr), or false when empty; throws in CI. */
export function skipOrFail(kind: string, unmet: readonly string[]): string | false {
  if (unmet.length === 0) return false;
  const reason = `${kind} requirements not met: ${unmet.join('; ')}`;
  if (process.env['CI'] === 'true') throw new Error(`${reason} (CI=true: ${kind} tests must run, not skip)`);
  if (!reported.has(reason)) {
    reported.add(reason);
    process.stderr.write(`skipping: ${reason}\n`);
  }
  return reason;
}

/** Inside a test: skips it (returns true) when requirements are unmet; fails it in CI. */
export function skipUnlessRoot(t: TestContext, req: Requirements = {}): boolean {
  const reason = skipReason(req);
  if (reason === false) return false;
  t.diagnostic(reason);
  t.skip(reason);
  return true;
}
