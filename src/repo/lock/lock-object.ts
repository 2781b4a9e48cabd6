// Lock objects (docs/FORMAT.md §6.1): `<host>/locks/<kind>-<time>-<nonce>`, plaintext JSON. The
// name alone gives kind and age, so a contender skips the GET of locks that cannot conflict with
// it; the body says who holds it and until when. Plaintext because a lock must be readable (and
// removable) without the repository key, and it tells a bucket reader only what the timing of
// object writes already does.

export const LOCK_KINDS = ['shared', 'exclusive'] as const;
export type LockKind = (typeof LOCK_KINDS)[number];

export const LOCK_FORMAT = 'panther-lock';
export const LOCK_VERSION = 1;

export interface LockContent {
  format: typeof LOCK_FORMAT;
  version: typeof LOCK_VERSION;
  host: string;
  kind: LockKind;
  /** What holds it: `backup run`, `backup prune`, … */
  holder: string;
  hostname: string;
  pid: number;
  /** The name's random part. */
  nonce: string;
  /** The name's time, as ISO 8601. */
  created: string;
  /** Informational except for the tie-break between waiting contenders (§6.3). */
  state: 'waiting' | 'held';
  acquired: string | null;
  /** Wall time at which the write carrying this body began. */
  refreshed: string;
  /** refreshed + leaseMs. */
  expires: string;
  /** Writes of this object so far, the first being 1. */
  seq: number;
  leaseMs: number;
}

export interface LockName {
  name: string;
  kind: LockKind;
  /** Milliseconds since the epoch, from the name. */
  createdMs: number;
  nonce: string;
  /** `<time>-<nonce>`: byte order is age order, the same for every reader. */
  order: string;
}

const NAME = /^(shared|exclusive)-(\d{8}T\d{6}\.\d{3}Z)-([0-9a-f]{16})$/;

export function locksPrefix(host: string): string {
  return `${host}/locks/`;
}

/** `20261124T020000.000Z`: fixed width, so names sort by time; no ':' (not allowed in object names). */
export function compactTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '');
}

function parseCompactTime(text: string): number {
  const iso = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T${text.slice(9, 11)}:${text.slice(11, 13)}:${text.slice(13)}`;
  return Date.parse(iso);
}

export function lockName(host: string, kind: LockKind, createdMs: number, nonce: string): string {
  return `${locksPrefix(host)}${kind}-${compactTime(createdMs)}-${nonce}`;
}

/** The parts of a listed name, or undefined for a name that is not a lock object (ignored). */
export function parseLockName(host: string, name: string): LockName | undefined {
  const prefix = locksPrefix(host);
  if (!name.startsWith(prefix)) return undefined;
  const match = NAME.exec(name.slice(prefix.length));
  if (match === null) return undefined;
  const createdMs = parseCompactTime(match[2]!);
  if (!Number.isFinite(createdMs)) return undefined;
  return { name, kind: match[1] as LockKind, createdMs, nonce: match[3]!, order: `${match[2]}-${match[3]}` };
}

export function encodeLock(content: LockContent): Uint8Array {
  return Buffer.from(`${JSON.stringify(content, null, 2)}\n`, 'utf8');
}

/** The body, checked against its name; a string saying what is wrong otherwise. */
export function decodeLock(host: string, parsed: LockName, bytes: Uint8Array): LockContent | string {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return 'is not JSON';
  }
  if (typeof value !== 'object' || value === null) return 'is not a JSON object';
  const c = value as Record<string, unknown>;
  if (c.format !== LOCK_FORMAT) return `has format ${JSON.stringify(c.format)}, not ${LOCK_FORMAT}`;
  if (c.version !== LOCK_VERSION) return `has version ${JSON.stringify(c.version)}, this reader knows ${LOCK_VERSION}`;
  if (c.host !== host) return `names host ${JSON.stringify(c.host)}`;
  if (c.kind !== parsed.kind) return `says kind ${JSON.stringify(c.kind)} but its name says ${parsed.kind}`;
  if (c.nonce !== parsed.nonce) return 'has a nonce that differs from its name';
  for (const key of ['holder', 'hostname', 'created', 'refreshed', 'expires'] as const) {
    if (typeof c[key] !== 'string') return `has no ${key}`;
  }
  if (c.state !== 'waiting' && c.state !== 'held') return `has state ${JSON.stringify(c.state)}`;
  if (c.acquired !== null && typeof c.acquired !== 'string') return 'has a bad acquired time';
  for (const key of ['pid', 'seq', 'leaseMs'] as const) {
    if (!Number.isSafeInteger(c[key])) return `has no integer ${key}`;
  }
  if (!Number.isFinite(Date.parse(c.expires as string))) return 'has an unreadable expiry';
  return c as unknown as LockContent;
}

export function expiresMs(content: LockContent): number {
  return Date.parse(content.expires);
}
