// Tag values as DogStatsD carries them. A value comes from a plan, a hook name or the environment,
// so it is treated as hostile: the datagram's own separators ("|" between fields, "," between tags,
// "#" before the tags, ":" between key and value, "@" before a sample rate) and any whitespace or
// control character become "_", and the whole "key:value" stays within Datadog's 200-character tag
// limit. hot-shots replaces "@" too, so a subvolume "@home" is "_home" in the agent, in the counters
// file and in Prometheus alike.

/** Datadog truncates tags at 200 characters; we cut first so what is stored is what is sent. */
export const MAX_TAG_LENGTH = 200;
const UNSAFE = /[|,#:@\s\p{Cc}]/gu;
const KEY = /^[A-Za-z][A-Za-z0-9_.\-/]*$/;

export function sanitizeTagValue(value: string, key = ''): string {
  const room = Math.max(1, MAX_TAG_LENGTH - key.length - 1);
  const clean = value.replace(UNSAFE, '_').slice(0, room);
  return clean === '' ? 'none' : clean;
}

/** The event's tags, sanitised, sorted by key: the identity of a series in the counters file. */
export function sanitizeTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(tags).sort()) out[key] = sanitizeTagValue(tags[key]!, key);
  return out;
}

export function formatTags(tags: Readonly<Record<string, string>>): string[] {
  return Object.entries(tags).map(([k, v]) => `${k}:${v}`);
}

/**
 * DD_TAGS as Datadog's agent reads it: "k:v,k:v" or "k:v k:v" (either separator, or both). A tag
 * without ":" is kept as a bare key; one whose key is not a plain name is dropped, never sent mangled.
 */
export function parseDdTags(text: string | undefined): string[] {
  if (text === undefined) return [];
  const tags: string[] = [];
  for (const part of text.split(/[\s,]+/)) {
    if (part === '') continue;
    const colon = part.indexOf(':');
    const key = colon < 0 ? part : part.slice(0, colon);
    if (!KEY.test(key) || key.length >= MAX_TAG_LENGTH) continue;
    tags.push(colon < 0 ? key : `${key}:${sanitizeTagValue(part.slice(colon + 1), key)}`);
  }
  return tags;
}
