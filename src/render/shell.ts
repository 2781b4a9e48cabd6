// Shell quoting for the scripts we render (disko hooks, systemd scripts). Plan names are checked by
// lint, but a rendered script must be safe on its own: every path goes through here.

/** A single-quoted POSIX shell word whose value is exactly `s`. */
export function shellQuote(s: string): string {
  // argv entries are C strings; a NUL would silently cut the word short.
  if (s.includes('\0')) throw new Error('a shell word cannot contain a NUL byte');
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** `s` as is when it is one plain shell word, quoted otherwise (for argument lists that stay readable). */
export function shellWord(s: string): string {
  return PLAIN_WORD.test(s) ? s : shellQuote(s);
}
