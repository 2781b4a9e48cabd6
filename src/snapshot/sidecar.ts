// Reading a sidecar (`<snapshot>.json`): a file on disk that a crash can truncate and a person can
// edit, so one that does not parse or has the wrong types is reported and treated as lost (rebuilt
// from btrfs), never trusted and never fatal for the other snapshots.
//
// Checked by hand, not through zod: every `panther snapshot …` command (and `snapshot list` most of
// all, issue 16's start-up bound) reads sidecars, and loading zod is most of such a command's
// start-up. The shape is meta-schema.ts's (the API's OpenAPI document describes it from there);
// sidecar.test.ts holds this reader to the same answers as that schema, value by value.
import { TIERS } from '../plan/types.ts';
import type { SnapshotMeta } from './types.ts';

const ORIGINS = ['timeline', 'manual', 'wrap-pre', 'wrap-post', 'backup'] as const;
const PHASES = ['before', 'after'] as const;

// z.iso.datetime()'s default form: a real calendar date, seconds required, any fraction, UTC (Z) only.
const DATE = '(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))';
const DATETIME = new RegExp(`^${DATE}T(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?Z$`);

type Issue = { path: string; message: string };
type Check = (value: unknown, path: string, issues: Issue[]) => unknown;

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'number' && !Number.isFinite(value) ? 'NaN' : typeof value;
}

const expect = (what: string, ok: (v: unknown) => boolean): Check => (value, path, issues) => {
  if (ok(value)) return value;
  issues.push({ path, message: `expected ${what}, received ${typeName(value)}` });
  return undefined;
};

const str = expect('string', (v) => typeof v === 'string');
const bool = expect('boolean', (v) => typeof v === 'boolean');
const num = expect('number', (v) => typeof v === 'number' && Number.isFinite(v));

function oneOf(values: readonly string[]): Check {
  return (value, path, issues) => {
    if (typeof value === 'string' && values.includes(value)) return value;
    issues.push({ path, message: `expected one of ${values.map((v) => JSON.stringify(v)).join('|')}` });
    return undefined;
  };
}

const nullable = (check: Check): Check => (value, path, issues) => value === null ? null : check(value, path, issues);

function list(item: Check): Check {
  return (value, path, issues) => {
    if (!Array.isArray(value)) return expect('array', () => false)(value, path, issues);
    return value.map((v, i) => item(v, path === '' ? String(i) : `${path}.${i}`, issues));
  };
}

/** Like z.object: the listed keys, each checked; other keys are dropped. */
function object(shape: Record<string, Check>): Check {
  return (value, path, issues) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return expect('object', () => false)(value, path, issues);
    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(shape)) {
      const own = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
      out[key] = check(own, path === '' ? key : `${path}.${key}`, issues);
    }
    return out;
  };
}

const time: Check = (value, path, issues) => {
  if (typeof value !== 'string') return str(value, path, issues);
  if (DATETIME.test(value)) return value;
  issues.push({ path, message: 'Invalid ISO datetime' });
  return undefined;
};

const exitCode: Check = (value, path, issues) => {
  if (typeof value === 'number' && Number.isFinite(value) && !Number.isSafeInteger(value)) {
    issues.push({ path, message: 'expected int, received number' });
    return undefined;
  }
  return num(value, path, issues);
};

const formatVersion: Check = (value, path, issues) => {
  if (value === 1) return 1;
  issues.push({ path, message: 'expected 1' });
  return undefined;
};

const sidecar = object({
  formatVersion,
  name: str, host: str, pool: str, subvolume: str,
  time,
  origin: oneOf(ORIGINS),
  tiers: list(oneOf(TIERS)),
  tags: list(str),
  description: nullable(str),
  creator: str,
  pinned: bool,
  holds: list(str),
  hooks: list(object({ hook: str, phase: oneOf(PHASES), ok: bool, degraded: bool, durationMs: num, message: str })),
  degraded: bool,
  command: nullable(object({ argv: list(str), exitCode: nullable(exitCode) })),
  uuid: nullable(str),
  toolVersion: str,
});

/** The sidecar's value (unknown keys dropped), or every problem found in it. */
export function checkSidecar(value: unknown): { ok: true; meta: SnapshotMeta } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  const meta = sidecar(value, '', issues);
  return issues.length === 0 ? { ok: true, meta: meta as SnapshotMeta } : { ok: false, issues };
}

/** The sidecar's metadata, or why it cannot be used (one line, for a warning). */
export function parseSidecar(text: string, expected: { name: string; subvolume: string }): { meta: SnapshotMeta } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'not valid JSON (truncated?)' };
  }
  const parsed = checkSidecar(value);
  if (!parsed.ok) {
    const first = parsed.issues.slice(0, 3).map((i) => `${i.path || '(top)'}: ${i.message}`);
    return { problem: `wrong shape (${first.join('; ')}${parsed.issues.length > 3 ? '; …' : ''})` };
  }
  // A sidecar that names another snapshot would make lookups by name act on the wrong subvolume.
  if (parsed.meta.name !== expected.name || parsed.meta.subvolume !== expected.subvolume) {
    return { problem: `it describes ${parsed.meta.name} of ${parsed.meta.subvolume}, not ${expected.name}` };
  }
  return { meta: parsed.meta };
}
