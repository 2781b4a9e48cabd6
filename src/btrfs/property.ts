// `btrfs property`: per-subvolume read-only flag and per-file/directory compression algorithm
// (docs/knowledge/btrfs.md §4: the level cannot be set this way; it comes from the compress= mount option).
import { run } from './exec.ts';
import { safePath } from './args.ts';
import { readAttrs } from './attrs.ts';
import { PantherError, ExitCode, isPantherError } from '../core/errors.ts';

export const COMPRESSION_VALUES = ['zstd', 'lzo', 'zlib', 'none', ''] as const;
/** "none" = never compress (NOCOMPRESS); "" = reset to inherit the mount option. */
export type CompressionValue = (typeof COMPRESSION_VALUES)[number];

const PROPERTY_NAMES = ['ro', 'compression', 'label'] as const;
export type PropertyName = (typeof PROPERTY_NAMES)[number];

/** Parses `btrfs property get` output: "name=value" per line. An unset property prints nothing. */
export function parsePropertyGet(text: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) props[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return props;
}

function checkName(name: string): PropertyName {
  if (!(PROPERTY_NAMES as readonly string[]).includes(name)) {
    throw new PantherError('bad-property', `unknown btrfs property ${JSON.stringify(name)}`, {
      exitCode: ExitCode.usage,
      hint: `one of: ${PROPERTY_NAMES.join(', ')}`,
    });
  }
  return name as PropertyName;
}

/** The value of one property, or null when it is not set. */
export async function getProperty(path: string, name: PropertyName): Promise<string | null> {
  safePath(path);
  const { stdout } = await run('btrfs', ['property', 'get', '--', path, checkName(name)], { subject: path });
  return parsePropertyGet(stdout)[name] ?? null;
}

export async function setProperty(path: string, name: PropertyName, value: string): Promise<void> {
  safePath(path);
  if (/[\0\n]/.test(value)) throw new PantherError('bad-property', `property value ${JSON.stringify(value)} contains a control character`, { exitCode: ExitCode.usage });
  await run('btrfs', ['property', 'set', '--', path, checkName(name), value], { subject: path });
}

/** The compression algorithm set on a file or directory, or null when none is set (inherits the mount's). */
export function getCompression(path: string): Promise<string | null> {
  return getProperty(path, 'compression');
}

export async function setCompression(path: string, value: CompressionValue): Promise<void> {
  if (!(COMPRESSION_VALUES as readonly string[]).includes(value)) {
    throw new PantherError('bad-property', `compression ${JSON.stringify(value)} is not an algorithm btrfs knows`, {
      subject: path,
      exitCode: ExitCode.usage,
      hint: 'use zstd, lzo, zlib, none, or "" to reset; the level comes from the compress= mount option',
    });
  }
  try {
    await setProperty(path, 'compression', value);
  } catch (error) {
    if (isPantherError(error) && /Invalid argument/.test(error.message) && (await hasNoCow(path))) {
      throw new PantherError('compression-on-nocow', `${path}: cannot set compression ${value}: it has the No_COW attribute (C), and NOCOW excludes compression`, {
        subject: path,
        hint: 'choose one: keep +C (no compression, no checksums) or, while it is still empty, `chattr -C` it and then set compression',
        cause: error,
      });
    }
    throw error;
  }
}

export async function getReadonly(path: string): Promise<boolean> {
  return (await getProperty(path, 'ro')) === 'true';
}

export async function setReadonly(path: string, readonly: boolean): Promise<void> {
  await setProperty(path, 'ro', readonly ? 'true' : 'false');
}

async function hasNoCow(path: string): Promise<boolean> {
  try {
    return (await readAttrs(path)).has('C');
  } catch {
    return false;
  }
}
