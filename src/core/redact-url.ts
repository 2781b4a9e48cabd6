// Repository locations end up in errors, --json output and logs (journald keeps them), and a location
// may hold a secret by mistake: `KEYID:APPKEY@` (a B2 application key holds '/' and '+', so no URL
// parser can tell where the user part ends), or a key pasted into a query value. So every URL in a
// message is shown with everything before its last '@', every query value and any fragment replaced,
// whether or not it parses. Over-redaction (a query value that held an '@') only costs readability.

export const REDACTED = '[redacted]';

// scheme ":" then the rest up to whitespace or a quote. The rest may hold ':' '/' '@' '+' '%' and
// non-ASCII: all of them occur in application keys and passwords.
const URL_IN_TEXT = /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*):(\/{0,3})([^\s'"`<>]*)/g;
// Sentence punctuation right after a URL ("… s3://b?region=x: not a URL") is not part of it.
const TRAILING = /[.,;:]+$/;
/**
 * The parameters of a repository URL (repo/backend/s3-url.ts). Only these names are shown: anything
 * else in a name's place may be a pasted secret (or the part of one before an '=').
 */
export const REPOSITORY_URL_PARAMETERS: ReadonlySet<string> = new Set(['endpoint', 'region', 'credentials', 'partSize', 'queueSize', 'maxAttempts', 'timeout']);
const shownName = (name: string): boolean => REPOSITORY_URL_PARAMETERS.has(name);

/** `text` with every URL in it redacted (see above). Text without a URL is returned unchanged. */
export function redactUrl(text: string): string {
  return text.replace(URL_IN_TEXT, (whole, scheme: string, slashes: string, rest: string) => {
    if (!/[@?#]/.test(rest) && !(slashes === '//' && hasNamedPort(rest))) return whole;
    const trail = TRAILING.exec(rest)?.[0] ?? '';
    return `${scheme}:${slashes}${redactRest(rest.slice(0, rest.length - trail.length))}${trail}`;
  });
}

/** An authority "host:word" where word is not a port number: the password of a URL without a user. */
function hasNamedPort(rest: string): boolean {
  const authority = rest.split(/[/?#]/, 1)[0]!;
  const colon = authority.indexOf(':');
  return colon >= 0 && !/^\d*$/.test(authority.slice(colon + 1));
}

function redactRest(rest: string): string {
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const after = rest.slice(at + 1);
    if (!/[?#]/.test(rest.slice(0, at))) return `${REDACTED}@${redactTail(after)}`;
    // The '@' may be inside a query value or the fragment: what follows it, up to the next parameter,
    // is still part of that value.
    const next = after.search(/[&#]/);
    if (next < 0) return `${REDACTED}@${REDACTED}`;
    return `${REDACTED}@${REDACTED}${after[next] === '#' ? `#${REDACTED}` : redactTail(`?${after.slice(next + 1)}`).replace(/^\?/, '&')}`;
  }
  if (hasNamedPort(rest)) {
    const end = rest.search(/[/?#]|$/);
    return `${rest.slice(0, rest.indexOf(':'))}:${REDACTED}${redactTail(rest.slice(end))}`;
  }
  return redactTail(rest);
}

/** Host, path, query and fragment: every query value and the fragment go. */
function redactTail(body: string): string {
  let fragment = '';
  const hash = body.indexOf('#');
  if (hash >= 0) { fragment = `#${REDACTED}`; body = body.slice(0, hash); }
  const q = body.indexOf('?');
  if (q < 0) return body + fragment;
  const query = body.slice(q + 1).split('&').map((param) => {
    const eq = param.indexOf('=');
    const name = eq < 0 ? param : param.slice(0, eq);
    const shown = name === '' || shownName(name) ? name : REDACTED;
    return eq < 0 ? shown : `${shown}=${eq === param.length - 1 ? '' : REDACTED}`;
  });
  return `${body.slice(0, q)}?${query.join('&')}${fragment}`;
}

/**
 * The parts of a URL that may be secrets, as typed and as decoded: everything before the last '@',
 * a fragment, parameters other than the repository URL's and the values of parameters not in `shown`
 * (parameters whose values are validated and printed, like an S3 region). For scrubbing whole
 * outputs as a second line of defence; parts shorter than 4 characters are left (they would match
 * ordinary words).
 */
export function urlSecrets(text: string, shown: ReadonlySet<string> = new Set()): string[] {
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/{0,3}(.*)$/s.exec(text);
  if (match === null) return [];
  let rest = match[1]!;
  const parts: string[] = [];
  const at = rest.lastIndexOf('@');
  if (at >= 0) { parts.push(rest.slice(0, at)); rest = rest.slice(at + 1); }
  const hash = rest.indexOf('#');
  if (hash >= 0) { parts.push(rest.slice(hash + 1)); rest = rest.slice(0, hash); }
  const q = rest.indexOf('?');
  if (q >= 0) {
    for (const param of rest.slice(q + 1).split('&')) {
      const eq = param.indexOf('=');
      const name = eq < 0 ? param : param.slice(0, eq);
      if (!shownName(name)) parts.push(param);
      else if (eq >= 0 && !shown.has(name)) parts.push(param.slice(eq + 1));
    }
  }
  const variants = parts.flatMap((p) => [p, decoded(p), decoded(p.replace(/\+/g, ' ')), ...p.split(':')]);
  return [...new Set(variants)].filter((p) => p.length >= 4).sort((a, b) => b.length - a.length);
}

function decoded(text: string): string {
  try { return decodeURIComponent(text); } catch { return text; }
}

/** `text` with every occurrence of the secrets replaced (longest first, so no piece of one is left). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}
