// Reads the output of `getfattr -R -P -h -d -m - -e hex -- .`, streaming: one record per file that
// has xattrs, in the order getfattr walks (readdir order). Pure: the process lives in xattrs.ts.
//
// The format, as attr 2.5 prints it (checked on every byte value 1…255 in a file name):
//   # file: <path>          path relative to the working directory, "." for it; "\", "\n" and "\r"
//                           are written as a backslash and three octal digits ("\012")
//   <name>=0x<hex>          one line per xattr; "=" in a name is "\075"; an empty value is "=0x"
//                           (older versions print a bare "<name>")
//   (blank line)            ends the file's record
// Other bytes (spaces, quotes, bytes that are not UTF-8) are printed as they are.
import { PantherError } from '../../core/errors.ts';

export interface XattrRecord {
  /** Relative path bytes; empty for the root. */
  path: Buffer;
  /** xattr name (latin1 of its bytes) → value as lowercase hex. */
  xattrs: Map<string, string>;
}

/** A line longer than this is not getfattr output (a 64 KiB value is 128 Ki hex digits). */
export const MAX_LINE_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;
const FILE_PREFIX = Buffer.from('# file: ');

/** Undoes getfattr's quoting: a backslash and three octal digits is one byte; all else is literal. */
export function unquoteGetfattr(text: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === 0x5c && isOctal(text[i + 1]) && isOctal(text[i + 2]) && isOctal(text[i + 3])) {
      out[n++] = ((text[i + 1]! - 0x30) << 6) | ((text[i + 2]! - 0x30) << 3) | (text[i + 3]! - 0x30);
      i += 3;
    } else {
      out[n++] = c;
    }
  }
  return out.subarray(0, n);
}

function isOctal(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x37;
}

function badOutput(why: string, line: Buffer): PantherError {
  return new PantherError('unexpected-output', `getfattr: ${why}: ${JSON.stringify(line.subarray(0, 200).toString('latin1'))}`, {
    hint: 'this attr version prints a format Panther does not know; please report it with `getfattr --version`',
  });
}

/** Feed chunks with push(); each call returns the records completed so far; end() returns the last. */
export class GetfattrParser {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #current: XattrRecord | null = null;

  push(chunk: Uint8Array): XattrRecord[] {
    const out: XattrRecord[] = [];
    let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (;;) {
      const nl = buf.indexOf(NEWLINE);
      if (nl < 0) break;
      const line = this.#pending.length === 0 ? buf.subarray(0, nl) : Buffer.concat([...this.#pending, buf.subarray(0, nl)]);
      this.#pending = [];
      this.#pendingBytes = 0;
      this.#line(line, out);
      buf = buf.subarray(nl + 1);
    }
    if (buf.length > 0) {
      this.#pendingBytes += buf.length;
      if (this.#pendingBytes > MAX_LINE_BYTES) throw badOutput(`a line longer than ${MAX_LINE_BYTES} bytes`, buf);
      // Copy: the caller may reuse its chunk.
      this.#pending.push(Buffer.from(buf));
    }
    return out;
  }

  end(): XattrRecord[] {
    const out: XattrRecord[] = [];
    if (this.#pending.length > 0) this.#line(Buffer.concat(this.#pending), out);
    this.#pending = [];
    if (this.#current !== null) out.push(this.#current);
    this.#current = null;
    return out;
  }

  #line(line: Buffer, out: XattrRecord[]): void {
    if (line.length === 0) {
      if (this.#current !== null) out.push(this.#current);
      this.#current = null;
      return;
    }
    if (line.subarray(0, FILE_PREFIX.length).equals(FILE_PREFIX)) {
      if (this.#current !== null) out.push(this.#current);
      this.#current = { path: relativePath(unquoteGetfattr(line.subarray(FILE_PREFIX.length))), xattrs: new Map() };
      return;
    }
    if (this.#current === null) throw badOutput('an attribute line outside a "# file:" record', line);
    const eq = line.indexOf(0x3d);
    const name = unquoteGetfattr(eq < 0 ? line : line.subarray(0, eq)).toString('latin1');
    const raw = eq < 0 ? '' : line.subarray(eq + 1).toString('latin1');
    const value = raw === '' ? '' : /^0x[0-9a-fA-F]*$/.test(raw) ? raw.slice(2).toLowerCase() : null;
    if (value === null || value.length % 2 !== 0 || name === '') throw badOutput('an attribute line that is not name=0x<hex>', line);
    this.#current.xattrs.set(name, value);
  }
}

/** "." is the root (empty); "./x" (some versions) is "x"; anything else is already relative. */
function relativePath(path: Buffer): Buffer {
  if (path.length === 1 && path[0] === 0x2e) return Buffer.alloc(0);
  if (path.length >= 2 && path[0] === 0x2e && path[1] === 0x2f) return path.subarray(2);
  return path;
}
