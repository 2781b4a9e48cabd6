// File names are bytes, not text: a name may hold newlines, quotes or bytes that are not UTF-8.
// Paths are carried as Buffers (never decoded for a file system call), keyed as latin1 strings
// (one char per byte, so the key is lossless and sorts in byte order), and shown JSON-escaped.

/** A lossless string key for a path's bytes (latin1: one char per byte). */
export function pathKey(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export function keyBytes(key: string): Buffer {
  return Buffer.from(key, 'latin1');
}

const strict = new TextDecoder('utf-8', { fatal: true });

/**
 * The bytes as text: UTF-8 where they are UTF-8, every other byte as the lone surrogate U+DC00+byte
 * (Python's "surrogateescape"), so two different names never look the same.
 */
export function decodeName(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    return decodeLoose(bytes);
  }
}

function decodeLoose(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const [need, lead, min] = b < 0x80 ? [0, b, 0] : b >= 0xc2 && b <= 0xdf ? [1, b & 0x1f, 0x80] : b >= 0xe0 && b <= 0xef ? [2, b & 0x0f, 0x800] : b >= 0xf0 && b <= 0xf4 ? [3, b & 0x07, 0x10000] : [-1, 0, 0];
    let cp = lead;
    let ok = need >= 0 && i + need < bytes.length;
    for (let k = 1; ok && k <= need; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (c & 0x3f);
    }
    if (ok && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) ok = false;
    if (ok) {
      out += String.fromCodePoint(cp);
      i += need + 1;
    } else {
      out += String.fromCharCode(0xdc00 + b);
      i += 1;
    }
  }
  return out;
}

/** How a path appears in a difference: JSON-escaped ("." for the root); non-UTF-8 bytes as \udcXX. */
export function showPath(bytes: Uint8Array): string {
  return JSON.stringify(bytes.length === 0 ? '.' : decodeName(bytes));
}
