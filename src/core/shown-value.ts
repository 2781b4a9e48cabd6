// A value as a message shows it: short, escaped, and never an object's contents. Apart from
// schema.ts so modules that only word messages (window parsing, read by the timers' renderer and
// `snapshot run`) do not load zod.
const MAX_SHOWN = 60;

/** `"abc"`, `42`, `an object`, `a list of 3`, `nothing`: cut to 60 characters. */
export function shownValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  if (typeof value === 'object' && value !== null) return 'an object';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 3)}…${text.endsWith('"') ? '"' : ''}` : text;
}
