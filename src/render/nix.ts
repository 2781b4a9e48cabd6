// A small Nix value printer. Everything panther renders for Nix goes through here, so the escaping
// rules live in one place and one round-trip test (nix-instantiate, byte for byte) covers them all.

/** Nix code inserted verbatim (an expression such as `pkgs.btrfs-progs`). Never build one from user data. */
export class NixRaw {
  readonly code: string;
  constructor(code: string) {
    this.code = code;
  }
}

/** One line of an indented string: text, or text mixed with `${…}` interpolations. */
export type IndentedLine = string | ReadonlyArray<string | NixRaw>;

/** A `'' … ''` string: each line ends with a newline in the value. */
export class NixIndented {
  readonly lines: readonly IndentedLine[];
  constructor(lines: readonly IndentedLine[]) {
    this.lines = lines;
  }
}

export interface NixEntry {
  /** Attribute path: `['swap', 'swapfile', 'size']` prints as `swap.swapfile.size`. */
  path: string | readonly string[];
  value: NixValue;
  /** Comment lines printed above the entry. */
  comment?: readonly string[];
}

/** An attribute set whose entries keep their order and may carry comments. */
export class NixAttrs {
  readonly entries: readonly NixEntry[];
  constructor(entries: readonly NixEntry[]) {
    this.entries = entries;
  }
}

export type NixValue =
  | string | number | boolean | null
  | readonly NixValue[]
  | NixAttrs | NixRaw | NixIndented
  | { readonly [name: string]: NixValue };

export const raw = (code: string): NixRaw => new NixRaw(code);
export const indented = (lines: readonly IndentedLine[]): NixIndented => new NixIndented(lines);
export const attrs = (entries: readonly NixEntry[]): NixAttrs => new NixAttrs(entries);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_'-]*$/;
// Keywords cannot be bare attribute names; `or` is accepted bare by some Nix versions only, quoting always works.
const KEYWORDS = new Set(['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit', 'or']);

function refuseNul(s: string): void {
  // Nix strings are C strings underneath: a NUL would silently truncate the value.
  if (s.includes('\0')) throw new Error('a Nix string cannot contain a NUL byte');
}

/** A double-quoted Nix string whose value is exactly `s`. */
export function nixString(s: string): string {
  refuseNul(s);
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' || c === '"') out += `\\${c}`;
    else if (c === '$' && s[i + 1] === '{') out += '\\$';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else out += c;
  }
  return `${out}"`;
}

/** An attribute name: bare when Nix allows it, quoted otherwise (`"@home"`, `"/var/lib/postgresql"`). */
export function nixAttrName(name: string): string {
  return IDENTIFIER.test(name) && !KEYWORDS.has(name) ? name : nixString(name);
}

/** `# …` lines; newlines in the text start new comment lines so a comment never ends early. */
export function nixComment(lines: readonly string[], indent = ''): string {
  return lines.flatMap((l) => l.split(/\r\n|\r|\n/)).map((l) => (l === '' ? `${indent}#` : `${indent}# ${l}`)).join('\n');
}

/**
 * One run of literal text inside an indented string. The escapes `''$` and `''\r` start with a quote,
 * so right after a literal `'` they would merge with it into `'''` (Nix's escape for `''`); there the
 * interpolations `${"$"}` / `${"\r"}` are used instead.
 */
function escapeIndentedText(text: string): string {
  refuseNul(text);
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const afterQuote = i > 0 && text[i - 1] === "'";
    if (c === "'" && text[i + 1] === "'") { out += "'''"; i++; continue; }
    if (c === '$' && text[i + 1] === '{') out += afterQuote ? '${"$"}' : "''$";
    else if (c === '\r') out += afterQuote ? '${"\\r"}' : "''\\r";
    else out += c;
  }
  return out;
}

type Part = string | NixRaw;

/** Lines as lists of parts: newlines inside texts split lines, adjacent texts merge, empty texts go. */
function normalizeLines(lines: readonly IndentedLine[]): Part[][] {
  const out: Part[][] = [];
  for (const line of lines) {
    let current: Part[] = [];
    out.push(current);
    for (const part of typeof line === 'string' ? [line] : line) {
      const pieces: Part[] = typeof part === 'string' ? part.split('\n') : [part];
      pieces.forEach((piece, k) => {
        if (k > 0) { current = []; out.push(current); }
        const last = current[current.length - 1];
        if (typeof piece === 'string' && typeof last === 'string') current[current.length - 1] = last + piece;
        else if (piece !== '') current.push(piece);
      });
    }
  }
  return out;
}

/**
 * A `'' … ''` string whose value is the lines joined with "\n" plus a final "\n". `indent` is the
 * indentation of the surrounding code; Nix strips the common indentation of the lines again.
 */
export function nixIndentedString(lines: readonly IndentedLine[], indent = ''): string {
  const norm = normalizeLines(lines);
  if (norm.length === 0) return '""';
  // Nix removes the smallest indentation of the non-blank lines. If every line of the value starts with
  // a space, that would eat the value's own spaces; one interpolated space on one line stops it.
  const startsWithSpace = (l: Part[]): boolean => typeof l[0] === 'string' && l[0].startsWith(' ');
  const needsGuard = norm.every((l) => l.length === 0 || startsWithSpace(l));
  const guardLine = needsGuard ? norm.findIndex(startsWithSpace) : -1;
  const inner = `${indent}  `;
  const printed = norm.map((parts, n) => {
    if (parts.length === 0) return '';
    const body = parts.map((part, k) => {
      if (typeof part !== 'string') return `\${${part.code}}`;
      return n === guardLine && k === 0 ? `\${" "}${escapeIndentedText(part.slice(1))}` : escapeIndentedText(part);
    });
    return `${inner}${body.join('')}`;
  });
  return `''\n${printed.join('\n')}\n${indent}''`;
}

function isScalar(v: NixValue): boolean {
  return v === null || typeof v !== 'object' || v instanceof NixRaw;
}

function printNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`cannot print ${n} as a Nix number`);
  // A bare negative number is not a list element in Nix (`[ -1 ]` parses as a subtraction).
  return n < 0 ? `(${n})` : String(n);
}

function entriesOf(value: NixAttrs | { readonly [name: string]: NixValue }): readonly NixEntry[] {
  return value instanceof NixAttrs ? value.entries : Object.entries(value).map(([path, v]) => ({ path, value: v }));
}

/** Prints a value as Nix code; `indent` is the indentation of the line the value starts on. */
export function printNix(value: NixValue, indent = ''): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return nixString(value);
  if (typeof value === 'number') return printNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof NixRaw) return value.code;
  if (value instanceof NixIndented) return nixIndentedString(value.lines, indent);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    const list = value as readonly NixValue[];
    if (list.length === 0) return '[ ]';
    const items = list.map((v) => printNix(v, inner));
    const oneLine = `[ ${items.join(' ')} ]`;
    if (list.every(isScalar) && indent.length + oneLine.length <= 100) return oneLine;
    return `[\n${items.map((i) => `${inner}${i}`).join('\n')}\n${indent}]`;
  }
  const entries = entriesOf(value as NixAttrs);
  if (entries.length === 0) return '{ }';
  const lines = entries.map((e, i) => {
    const path = (typeof e.path === 'string' ? [e.path] : e.path).map(nixAttrName).join('.');
    // A commented entry starts a new paragraph.
    const comment = e.comment === undefined || e.comment.length === 0 ? '' : `${i > 0 ? '\n' : ''}${nixComment(e.comment, inner)}\n`;
    return `${comment}${inner}${path} = ${printNix(e.value, inner)};`;
  });
  return `{\n${lines.join('\n')}\n${indent}}`;
}
