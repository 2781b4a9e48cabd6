// Every path, device or name handed to a tool may come from a config file or from a listing of a
// filesystem someone else controls. Refuse the shapes a tool could read as an option, and the
// shapes our line-based parsers could not read back, before anything is spawned.
import { PantherError, ExitCode } from '../core/errors.ts';

function unsafe(what: string, value: string, why: string): PantherError {
  // JSON.stringify makes NUL and newlines visible instead of breaking the message.
  return new PantherError('unsafe-argument', `${what} ${JSON.stringify(value)} ${why}`, {
    subject: what,
    exitCode: ExitCode.usage,
    hint: 'use a plain path: no leading "-", no ".." segments, no newline or NUL characters',
  });
}

/** Returns `path` unchanged if it is safe to pass to a tool as a positional argument. */
export function safePath(path: string, what = 'path'): string {
  if (typeof path !== 'string' || path.length === 0) throw unsafe(what, String(path), 'is empty');
  if (path.includes('\0')) throw unsafe(what, path, 'contains a NUL character');
  if (/[\n\r]/.test(path)) throw unsafe(what, path, 'contains a newline');
  if (path.startsWith('-')) throw unsafe(what, path, 'starts with "-" and could be read as an option');
  if (path.split('/').includes('..')) throw unsafe(what, path, 'contains a ".." segment');
  return path;
}

/** A single path component such as a subvolume or partition name. */
export function safeName(name: string, what = 'name'): string {
  safePath(name, what);
  if (name.includes('/')) throw unsafe(what, name, 'contains "/"');
  if (name === '.') throw unsafe(what, name, 'is "."');
  return name;
}

/** A free-text value passed as an option argument (labels): only NUL and newlines are refused. */
export function safeText(text: string, what = 'value'): string {
  if (text.includes('\0')) throw unsafe(what, text, 'contains a NUL character');
  if (/[\n\r]/.test(text)) throw unsafe(what, text, 'contains a newline');
  return text;
}

/** A block device node: `/dev/...`, validated as a path. */
export function safeDevice(device: string, what = 'device'): string {
  safePath(device, what);
  if (!device.startsWith('/dev/')) throw unsafe(what, device, 'is not under /dev/');
  return device;
}
