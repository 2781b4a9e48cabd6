// What differs between the xattrs of one path on two sides. Pure. Values are never shown (an xattr
// may hold a secret or a capability set); names are, JSON-escaped.
import { createHash } from 'node:crypto';
import { decodeName } from './names.ts';

/** Long values are held as their SHA-256 only: a tree may carry many 64 KiB xattrs. */
const KEEP_HEX = 128;

export function compactXattrs(xattrs: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, hex] of xattrs) out.set(name, hex.length <= KEEP_HEX ? hex : `sha256:${createHash('sha256').update(hex).digest('hex')}`);
  return out;
}

/** "xattrs differ: user.a (value), user.b (missing), user.c (unexpected)", or null when equal. */
export function describeXattrDifference(source: ReadonlyMap<string, string>, restored: ReadonlyMap<string, string>): string | null {
  const parts: string[] = [];
  const names = [...new Set([...source.keys(), ...restored.keys()])].sort();
  for (const name of names) {
    const a = source.get(name);
    const b = restored.get(name);
    const shown = JSON.stringify(decodeName(Buffer.from(name, 'latin1')));
    if (b === undefined) parts.push(`${shown} missing`);
    else if (a === undefined) parts.push(`${shown} unexpected`);
    else if (a !== b) parts.push(`${shown} value differs`);
  }
  return parts.length === 0 ? null : `xattrs differ: ${parts.join(', ')}`;
}
