// Every input file is read through one zod schema; this turns what zod found into a PantherError that
// names the file and the path of each bad value ("plan.json: pools.primary.subvolumes[3].cow: expected
// true or false, got "no""). Values from the file are hostile: they are shown JSON-escaped and cut short.
import { z } from 'zod';
import { shownValue } from './shown-value.ts';

export { shownValue };
import { ExitCode, PantherError } from './errors.ts';

export interface SchemaReadOptions {
  /** Error code of the PantherError, e.g. "plan-invalid". */
  code: string;
  /** What the file should be, for the message: "a storage plan". */
  what: string;
  /** How to fix it, printed after the problems. */
  hint: string;
  exitCode?: number;
  /** Arrays whose items are shown by their unique `name` in paths: pools[0] → pools.primary. */
  namedArrays?: readonly string[];
}

/** At most this many problems are listed; a mangled file would otherwise print pages. */
const MAX_LISTED = 12;

/** A value from the input, safe to print: JSON-escaped (NUL, newlines, quotes), long strings cut. */

const TYPE_NAMES: Record<string, string> = {
  string: 'a string', number: 'a number', int: 'a whole number', boolean: 'true or false', array: 'a list',
  object: 'an object', record: 'an object', null: 'null', tuple: 'a list', nan: 'a number',
};

function orList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? 'nothing';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

type RawIssue = z.core.$ZodRawIssue;

function knownKeys(issue: RawIssue): string[] {
  const def = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown>; keyType?: { _zod?: { def?: { entries?: Record<string, unknown> } } } } } } | undefined)?._zod?.def;
  // A strict object lists its shape; a record over an enum (z.partialRecord) its enum's values.
  const keys = def?.shape ?? def?.keyType?._zod?.def?.entries;
  return keys === undefined ? [] : Object.keys(keys);
}

function bound(issue: RawIssue & { inclusive?: boolean; exact?: boolean; origin?: string }, limit: number | bigint, small: boolean): string {
  const input = issue.input;
  if (issue.origin === 'string') {
    if (small && Number(limit) === 1) return 'must not be empty';
    return `expected ${small ? 'at least' : 'at most'} ${limit} characters, got ${typeof input === 'string' ? input.length : shownValue(input)}`;
  }
  if (issue.origin === 'array') {
    if (small && Number(limit) === 1) return 'must not be an empty list';
    return `expected ${small ? 'at least' : 'at most'} ${limit} item(s), got ${Array.isArray(input) ? input.length : shownValue(input)}`;
  }
  const op = small ? (issue.inclusive === false ? '>' : '≥') : (issue.inclusive === false ? '<' : '≤');
  return `expected a number ${op} ${limit}, got ${shownValue(input)}`;
}

/** The message of one issue, in the project's words; a schema's own `error` text wins over this. */
function issueMessage(issue: RawIssue): string | undefined {
  const input = issue.input;
  switch (issue.code) {
    case 'invalid_type': {
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      if (input === undefined) return `missing; expected ${expected}`;
      if (typeof input === 'number' && !Number.isFinite(input)) return `expected a finite number, got ${shownValue(input)}`;
      return `expected ${expected}, got ${shownValue(input)}`;
    }
    case 'invalid_value':
      return `expected ${orList(issue.values.map((v) => JSON.stringify(v) ?? String(v)))}, got ${shownValue(input)}`;
    case 'too_small': return bound(issue, issue.minimum, true);
    case 'too_big': return bound(issue, issue.maximum, false);
    case 'not_multiple_of': return `expected a multiple of ${issue.divisor}, got ${shownValue(input)}`;
    case 'invalid_format': return `${shownValue(input)} is not in the expected format`;
    case 'unrecognized_keys': {
      const known = knownKeys(issue);
      return `unknown key(s) ${issue.keys.map(shownValue).join(', ')}${known.length === 0 ? '' : `; known keys: ${known.join(', ')}`}`;
    }
    case 'invalid_key': {
      const why = issue.issues.map((i) => i.message).find((m) => m !== '');
      return why === undefined ? `key ${shownValue(input)} is not allowed` : `key ${why}`;
    }
    case 'invalid_union':
      return 'options' in issue && Array.isArray(issue.options) && issue.options.length > 0
        ? `${'discriminator' in issue && issue.discriminator !== undefined ? `${String(issue.discriminator)}: ` : ''}expected ${orList(issue.options.map((o) => JSON.stringify(o) ?? String(o)))}`
        : `${shownValue(input)} matches none of the accepted forms`;
    default: return undefined;
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** zod's path as a reader writes it: pools.primary.subvolumes[3].cow, overrides.subvolumes["@home"]. */
export function formatPath(path: readonly PropertyKey[], data: unknown, namedArrays: readonly string[] = []): string {
  let out = '';
  let node: unknown = data;
  let parentKey: PropertyKey | undefined;
  for (const key of path) {
    const name = typeof key === 'number' && Array.isArray(node) && typeof parentKey === 'string' && namedArrays.includes(parentKey)
      ? uniqueName(node, key) : null;
    if (name !== null) out += `.${name}`;
    else if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && IDENTIFIER.test(key) && !isPrototypeKey(key)) out += out === '' ? key : `.${key}`;
    else out += `[${shownValue(String(key))}]`;
    node = typeof node === 'object' && node !== null && Object.hasOwn(node, key) ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    parentKey = key;
  }
  return out === '' ? '(top level)' : out;
}

function uniqueName(list: unknown[], index: number): string | null {
  const names = list.map((item) => (typeof item === 'object' && item !== null && !Array.isArray(item) ? (item as { name?: unknown }).name : undefined));
  const name = names[index];
  if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(name)) return null;
  return names.filter((n) => n === name).length === 1 ? name : null;
}

/**
 * zod builds objects in the schema's key order; the file's order is kept instead, so a plan read and
 * written again is the same text. Keys zod added (defaults) come last.
 */
function inputOrder(input: unknown, output: unknown): unknown {
  if (Array.isArray(output)) return Array.isArray(input) ? output.map((item, i) => inputOrder(input[i], item)) : output;
  if (typeof output !== 'object' || output === null || typeof input !== 'object' || input === null || Array.isArray(input)) return output;
  const out = output as Record<string, unknown>;
  const keys = [...Object.keys(input).filter((k) => Object.hasOwn(out, k)), ...Object.keys(out).filter((k) => !Object.hasOwn(input, k))];
  return Object.fromEntries(keys.map((k) => [k, inputOrder((input as Record<string, unknown>)[k], out[k])]));
}

export interface SchemaProblem {
  path: string;
  message: string;
}

/** Parses `data`; the value (with zod's defaults applied) or every problem with its path. */
export function checkSchema<S extends z.ZodType>(schema: S, data: unknown, namedArrays: readonly string[] = []):
  { ok: true; value: z.output<S> } | { ok: false; problems: SchemaProblem[] } {
  // jitless: an input is parsed once per run, and compiling zod's fast parser (new Function per
  // object schema) costs more than that one parse saves: ~10 ms of `panther snapshot list`'s plan.
  const result = schema.safeParse(data, { error: issueMessage, jitless: true });
  if (result.success) return { ok: true, value: inputOrder(data, result.data) as z.output<S> };
  return { ok: false, problems: result.error.issues.map((issue) => ({ path: formatPath(issue.path, data, namedArrays), message: issue.message })) };
}

/** The error for a list of problems found in `source`. */
export function schemaError(source: string, problems: readonly SchemaProblem[], options: SchemaReadOptions): PantherError {
  const lines = problems.slice(0, MAX_LISTED).map((p) => `${p.path}: ${p.message}`);
  if (problems.length > MAX_LISTED) lines.push(`… and ${problems.length - MAX_LISTED} more`);
  const message = problems.length === 1
    ? `${source}: ${lines[0]}`
    : `${source}: not ${options.what} (${problems.length} problems):\n  ${lines.join('\n  ')}`;
  return new PantherError(options.code, message, {
    subject: source, hint: options.hint, exitCode: options.exitCode ?? ExitCode.failed,
    details: { problems: problems.map((p) => `${p.path}: ${p.message}`) },
  });
}

/** Parses `data` read from `source` or throws the PantherError naming every bad path. */
export function parseWithSchema<S extends z.ZodType>(schema: S, data: unknown, source: string, options: SchemaReadOptions): z.output<S> {
  const result = checkSchema(schema, data, options.namedArrays);
  if (!result.ok) throw schemaError(source, result.problems, options);
  return result.value;
}

// ---- shared building blocks --------------------------------------------------------------------------

const CONTROL = /[\x00-\x1f\x7f]/;

/** A non-empty string without control characters (NUL, newline, escape): names, paths, options. */
export function text(what = 'a non-empty string'): z.ZodString {
  return z.string({ error: (issue) => issue.input === undefined ? `missing; expected ${what}` : `expected ${what}, got ${shownValue(issue.input)}` })
    .min(1, { error: `must not be empty; expected ${what}` })
    .refine((value) => !CONTROL.test(value), { error: (issue) => `${shownValue(issue.input)} contains a control character (NUL, newline, …); expected ${what}` });
}

/** An object key that JavaScript treats specially (a prototype key) is never a name. */
export function isPrototypeKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype';
}

/**
 * z.record that refuses a "__proto__" key: zod drops it silently (it cannot be an own key of the
 * output), and silently dropping a key in a user's file is what the schemas are here to prevent.
 */
export function record<K extends z.core.$ZodRecordKey, V extends z.ZodType>(keys: K, values: V) {
  return z.preprocess(refuseProtoKey, z.record(keys, values));
}

/** record() whose keys are a closed set (z.enum), each optional. */
export function partialRecord<K extends z.core.$ZodRecordKey, V extends z.ZodType>(keys: K, values: V) {
  return z.preprocess(refuseProtoKey, z.partialRecord(keys, values));
}

function refuseProtoKey(input: unknown, ctx: z.core.$RefinementCtx): unknown {
  if (typeof input === 'object' && input !== null && Object.hasOwn(input, '__proto__')) {
    ctx.issues.push({ code: 'custom', input, path: ['__proto__'], message: 'key "__proto__" is a reserved word, not a name' });
  }
  return input;
}

/** A finite number in [min, max] (inclusive unless said), with the unit in the message. */
export function finite(min: number, max = Number.MAX_SAFE_INTEGER, what = `a number from ${min} to ${max}`): z.ZodNumber {
  const error = (issue: { input?: unknown }): string =>
    issue.input === undefined ? `missing; expected ${what}` : `expected ${what}, got ${shownValue(issue.input)}`;
  return z.number({ error }).min(min, { error }).max(max, { error });
}

/** A whole number in [min, max]. */
export function whole(min: number, max = Number.MAX_SAFE_INTEGER, what = `a whole number from ${min} to ${max}`): z.ZodNumber {
  return finite(min, max, what).int({ error: (issue) => `expected ${what}, got ${shownValue(issue.input)}` });
}

/** Compile-time check that a schema's output and a hand-written type describe the same values. */
export type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
