// Parser for `btrfs receive --dump`: one operation per line, `<command> <path> [key=value …]`,
// with special characters in paths escaped by a backslash (btrfs-progs print_path_escaped).

export interface DumpEvent {
  command: string;
  /** Path inside the stream, without the leading "./<subvolume>" part. "" for the subvolume root. */
  path: string;
  fields: Record<string, string>;
}

/** Splits on whitespace that is not escaped. */
function tokens(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let escaped = false;
  let inToken = false;
  for (const ch of line) {
    if (escaped) { current += `\\${ch}`; escaped = false; inToken = true; continue; }
    if (ch === '\\') { escaped = true; continue; }
    if (/\s/.test(ch)) {
      if (inToken) { out.push(current); current = ''; inToken = false; }
      continue;
    }
    current += ch;
    inToken = true;
  }
  if (inToken) out.push(current);
  return out;
}

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

export function unescapeDumpPath(text: string): string {
  return text.replace(/\\([0-7]{3}|.)/g, (_, seq: string) => {
    if (/^[0-7]{3}$/.test(seq)) return String.fromCharCode(parseInt(seq, 8));
    return ESCAPES[seq] ?? seq;
  });
}

/** "./snap/dir/file" → "dir/file" (the first component names the received subvolume). */
function streamPath(raw: string): string {
  const path = unescapeDumpPath(raw).replace(/^\.\//, '');
  const slash = path.indexOf('/');
  return slash < 0 ? '' : path.slice(slash + 1).replace(/\/$/, '');
}

export function parseReceiveDump(text: string): DumpEvent[] {
  const events: DumpEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const [command, rawPath, ...rest] = tokens(line);
    if (command === undefined || rawPath === undefined) continue;
    const fields: Record<string, string> = {};
    for (const item of rest) {
      const eq = item.indexOf('=');
      if (eq <= 0) continue;
      const key = item.slice(0, eq);
      const value = item.slice(eq + 1);
      // rename/link name a second stream path; symlink's dest is the link's text, not a path.
      const isStreamPath = key === 'dest' && (command === 'rename' || command === 'link');
      fields[key] = isStreamPath ? streamPath(value) : unescapeDumpPath(value);
    }
    events.push({ command, path: streamPath(rawPath), fields });
  }
  return events;
}
