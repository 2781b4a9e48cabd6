// Where JSON text first goes wrong. V8's JSON.parse message carries a position only for some
// errors ("Unexpected token 'E', "Error: mus"..." has none), and a user fixing a report needs a line.

export interface JsonErrorPosition {
  position: number;
  line: number;
  column: number;
}

const WS = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

/** Offset of the first character that is not valid JSON, or null if the text parses. */
function firstBadOffset(text: string): number | null {
  let i = 0;
  const fail = (): never => { throw new RangeError(String(i)); };
  const ws = (): void => { while (i < text.length && WS.has(text[i] ?? '')) i++; };
  const expect = (ch: string): void => { ws(); if (text[i] !== ch) fail(); i++; };
  const string = (): void => {
    i++;
    while (i < text.length) {
      const ch = text[i] ?? '';
      if (ch === '"') { i++; return; }
      if (ch === '\\') {
        const esc = text[i + 1] ?? '';
        if ('"\\/bfnrt'.includes(esc) && esc !== '') i += 2;
        else if (esc === 'u' && HEX4.test(text.slice(i + 2, i + 6))) i += 6;
        else { i++; fail(); }
      } else if (ch.charCodeAt(0) < 0x20) fail();
      else i++;
    }
    fail();
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++; ws();
      if (text[i] === close) { i++; return; }
      for (;;) {
        if (c === '{') { ws(); if (text[i] !== '"') fail(); string(); expect(':'); }
        value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === close) { i++; return; }
        fail();
      }
    }
    if (c === '"') return string();
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(text);
    if (number) { i += number[0].length; return; }
    const literal = ['true', 'false', 'null'].find((l) => text.startsWith(l, i));
    if (literal === undefined) fail();
    i += literal?.length ?? 0;
  };
  try {
    value(); ws();
    if (i < text.length) fail();
    return null;
  } catch (error) {
    // Anything else (a stack overflow on absurd nesting) just means: no position to offer.
    return error instanceof RangeError && /^\d+$/.test(error.message) ? Number(error.message) : null;
  }
}

export function jsonErrorPosition(text: string): JsonErrorPosition | null {
  const position = firstBadOffset(text);
  if (position === null) return null;
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return { position, line, column: position - before.lastIndexOf('\n') };
}
