// Property-based fuzzing of every input file through the real CLI entry (main() with a capturing Io):
// valid plans, inventories, profiles and facter reports are mutated (keys dropped, types changed,
// null / NUL / huge numbers / prototype keys / odd strings inserted) and run through plan, lint,
// render disko|nixos|systemd and provision --dry-run (and the backup state and cost ledger through
// backup status and cost). Whatever the input:
//   - never "internal error" or a stack trace, and only the documented exit codes;
//   - the schema decides: an input it rejects exits 1 naming the mutated path (or a parent or child
//     of it); certainly-invalid mutations (unknown keys, an object where a value was) are rejected;
//   - a valid input written differently (key order, indentation, \u escapes) gives the same result;
//   - whatever plan prints is itself a valid plan;
//   - nothing is written to disk.
// Seeded and bounded (PANTHER_FUZZ_RUNS scales the runs, PANTHER_FUZZ_SEED explores other seeds).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { checkSchema, formatPath } from '../src/core/schema.ts';
import { storagePlan } from '../src/plan/schema.ts';
import { inventory as inventorySchema, profilesFile } from '../src/plan/input-schema.ts';
import { runCli, type CliResult } from './support/cli.ts';
import { createLoopDevices, type LoopDevices } from './support/loop-btrfs.ts';
import { skipReason } from './support/requirements.ts';

const EXAMPLES = join(import.meta.dirname, '..', 'examples');
const HOSTS = ['zephyrus', 'yoga', 'hetzner', 'contabo', 'ovh'] as const;
const SEED = Number(process.env['PANTHER_FUZZ_SEED'] ?? 20261203);
const SCALE = Number(process.env['PANTHER_FUZZ_RUNS'] ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

let dir: string;
const plans = new Map<string, Json>();
const planText = new Map<string, string>();
let inventory: Json;
const facter = new Map<string, Json>();
let profiles: Json;
let written = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'panther-fuzz-'));
  for (const host of HOSTS) {
    const out = join(dir, `${host}.plan.json`);
    const r = await runCli('plan', '--inventory', join(EXAMPLES, 'inventory.json'), '--host', host, '--facter', join(EXAMPLES, 'facter', `${host}.json`), '--out', out);
    assert.equal(r.code, 0, r.stderr);
    planText.set(host, await readFile(out, 'utf8'));
    plans.set(host, JSON.parse(planText.get(host)!) as Json);
    facter.set(host, JSON.parse(await readFile(join(EXAMPLES, 'facter', `${host}.json`), 'utf8')) as Json);
  }
  inventory = JSON.parse(await readFile(join(EXAMPLES, 'inventory.json'), 'utf8')) as Json;
  profiles = (await runCli('profiles', '--json')).json() as Json;
});
after(async () => { await rm(dir, { recursive: true, force: true }); });

// ---- mutations ---------------------------------------------------------------------------------------

const INFINITY = '@@fuzz-1e400@@';
const ODD_VALUES: Json[] = [
  null, '', ' ', '\u0000', '@ho\u0000me', 'a\nb', '../../etc', '$(reboot)', '"; rm -rf / #', 'ä€😀', '\ud800',
  'x'.repeat(5000), 'constructor', '__proto__', 'toString', 'hourly', 'Daily', 'uefi', 'lzma', 'no', 'Mars/Olympus',
  '25:00-99:00', 0, -1, 0.5, -0.0, 1e308, Number.MAX_SAFE_INTEGER + 2, INFINITY, true, false, [], [null], {}, { __fuzz__: 1 },
];
const ODD_KEYS = ['__proto__', 'constructor', 'prototype', '__fuzz__', '', '\u0000', 'toString'];

type Mutation =
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'delete'; at: number }
  | { kind: 'insert'; at: number; key: string; value: Json }
  | { kind: 'retype'; at: number }
  | { kind: 'objectify'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: fc.oneof(fc.constantFrom(...ODD_VALUES), fc.string({ unit: 'binary', maxLength: 12 }), fc.double(), fc.integer()) as fc.Arbitrary<Json> }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), key: fc.constantFrom(...ODD_KEYS), value: fc.constantFrom(...ODD_VALUES) }),
  fc.record({ kind: fc.constant('retype' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('objectify' as const), at: fc.nat() }),
);

function allPaths(value: Json, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => allPaths(v, [...path, i], out));
  else if (value !== null && typeof value === 'object') for (const k of Object.keys(value)) allPaths(value[k]!, [...path, k], out);
  return out;
}

function at(doc: Json, path: Path): Json {
  let node: any = doc;
  for (const k of path) node = node[k];
  return node as Json;
}

function setOwn(target: any, key: string | number, value: Json): void {
  // defineProperty: "__proto__" becomes an own key (as JSON.parse makes it), not the prototype.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A value of another JSON type than `v`. */
function retyped(v: Json): Json {
  if (typeof v === 'string') return Number.isNaN(Number(v)) ? 7 : Number(v);
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 0;
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length === 0 ? {} : v[0]!;
  return [v];
}

interface Mutated {
  doc: Json;
  /** Where the change is. */
  path: Path;
  /** The result cannot be valid in any of our strict schemas. */
  certainlyInvalid: boolean;
}

/** `strictAt(path)`: is the object at path a strict object (not a record / loose facter object)? */
function mutate(original: Json, m: Mutation, strictAt: (path: Path) => boolean): Mutated | null {
  const doc = structuredClone(original);
  const paths = allPaths(doc);
  const path = paths[m.at % paths.length]!;
  if (m.kind === 'insert') {
    const target = at(doc, path);
    if (target === null || typeof target !== 'object' || Array.isArray(target)) return null;
    setOwn(target, m.key, m.value);
    // A new key in a strict object is unknown; the empty key and "__proto__" are refused in records too.
    return { doc, path: [...path, m.key], certainlyInvalid: strictAt(path) || m.key === '__proto__' || m.key === '' || m.key === '\u0000' };
  }
  if (path.length === 0) {
    if (m.kind === 'delete') return null;
    const value = m.kind === 'replace' ? m.value : m.kind === 'retype' ? retyped(doc) : { __fuzz__: doc };
    return { doc: value, path, certainlyInvalid: m.kind === 'objectify' };
  }
  const parent: any = at(doc, path.slice(0, -1));
  const key = path[path.length - 1]!;
  const old = parent[key] as Json;
  if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
    return { doc, path, certainlyInvalid: false };
  }
  if (m.kind === 'objectify') {
    // A primitive replaced by an object with an unknown key: no field of ours takes that.
    if (old !== null && typeof old === 'object') return null;
    setOwn(parent, key, { __fuzz__: old });
    return { doc, path, certainlyInvalid: true };
  }
  setOwn(parent, key, m.kind === 'replace' ? m.value : retyped(old));
  return { doc, path, certainlyInvalid: false };
}

function serialize(doc: Json): string {
  return JSON.stringify(doc).replaceAll(`"${INFINITY}"`, '1e400');
}

/** The same JSON value, written differently: keys reversed, indented, every letter \u-escaped. */
function rewritten(doc: Json): string {
  const reorder = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(reorder);
    if (v === null || typeof v !== 'object') return v;
    const out: { [k: string]: Json } = {};
    for (const k of Object.keys(v).reverse()) setOwn(out, k, reorder(v[k]!));
    return out;
  };
  return JSON.stringify(reorder(doc), null, 3).replace(/"(?:[^"\\]|\\.)*"/g, (s) => s.replace(/[a-z]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, `in-${written++}-${name}`);
  await writeFile(path, text);
  return path;
}

// ---- oracles -----------------------------------------------------------------------------------------

function sane(r: CliResult, what: string): void {
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at \S+ \(|\n\s+at file:/, `${what}: ${r.stderr}`);
  assert.ok([0, 1, 2, 3].includes(r.code), `${what}: exit ${r.code}\n${r.stderr}`);
  // A failure says what failed: an error on stderr, or lint's findings on stdout.
  if (r.code !== 0) assert.ok(/^panther [a-z ]+: \S/.test(r.stderr) || r.json().findings?.length > 0, `${what}: exit ${r.code} without a message`);
}

/** Schema problems ("path: message") that name `path`, a parent of it or a child of it. */
function namesPath(problems: string[], path: string): boolean {
  return problems.some((p) => {
    const named = p.split(': ')[0]!;
    return named === '(top level)' || p.startsWith(path) || path.startsWith(named);
  });
}

interface Snapshot { [name: string]: number }
async function listing(path: string): Promise<Snapshot> {
  const out: Snapshot = {};
  for (const name of await readdir(path)) out[name] = (await stat(join(path, name))).mtimeMs;
  return out;
}

/** Runs `fn`; the fuzz directory holds only the inputs it wrote, and the working directory is unchanged. */
async function writesNothing(fn: () => Promise<void>): Promise<void> {
  const cwd = await listing(process.cwd());
  await fn();
  assert.deepEqual(await listing(process.cwd()), cwd, 'the working directory is unchanged');
  const names = Object.keys(await listing(dir));
  const foreign = names.filter((n) => !n.startsWith('in-') && !/^[a-z]+\.plan\.json$/.test(n));
  assert.deepEqual(foreign, [], 'only the fuzz inputs are in the fuzz directory');
}

const PLAN_COMMANDS = [['lint'], ['render', 'disko'], ['render', 'nixos'], ['render', 'systemd'], ['render', 'disko', '--force'], ['render', 'nixos', '--force'], ['render', 'systemd', '--force']];
const strictEverywhere = (records: RegExp) => (path: Path) => !records.test(path.map(String).join('.'));
const PLAN_RECORDS = /^acknowledged$/;
const INVENTORY_RECORDS = /^hosts$|^hosts\.[^.]+\.overrides\.(subvolumes|acknowledge)$/;

// ---- the properties ------------------------------------------------------------------------------

test('fuzzed plan files: lint and render never crash; the schema decides and names the path', async () => {
  await writesNothing(async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...HOSTS), mutation, async (host, m) => {
      const mutated = mutate(plans.get(host)!, m, strictEverywhere(PLAN_RECORDS));
      if (mutated === null) return;
      const text = serialize(mutated.doc);
      const path = await file('plan.json', text);
      const verdict = checkSchema(storagePlan, JSON.parse(text));
      if (mutated.certainlyInvalid) assert.equal(verdict.ok, false, `${JSON.stringify(m)} must be refused`);
      const where = formatPath(mutated.path, JSON.parse(text), ['pools']);
      for (const command of PLAN_COMMANDS) {
        const r = await runCli(...command, '--plan', path, '--json');
        sane(r, `${command.join(' ')} after ${JSON.stringify(m).slice(0, 200)}`);
        if (!verdict.ok) {
          assert.equal(r.code, 1, r.stderr);
          const problems: string[] = r.json().details?.problems ?? [];
          assert.ok(r.stderr.includes(path), r.stderr);
          assert.ok(namesPath(problems, where), `${where} not named in ${problems.join(' | ')}`);
        }
      }
    }), { numRuns: runs(800), seed: SEED });
  });
});

test('valid plans written differently give the same results', async () => {
  for (const host of HOSTS) {
    const original = await file('plan.json', planText.get(host)!);
    const other = await file('plan.json', rewritten(plans.get(host)!));
    for (const command of PLAN_COMMANDS) {
      const a = await runCli(...command, '--plan', original);
      const b = await runCli(...command, '--plan', other);
      sane(a, command.join(' '));
      assert.equal(a.code, 0, `${host} ${command.join(' ')}: ${a.stderr}`);
      assert.equal(b.code, a.code, `${host} ${command.join(' ')}: ${b.stderr}`);
      assert.equal(b.stdout, a.stdout, `${host} ${command.join(' ')}`);
    }
  }
});

test('fuzzed inventories: plan never crashes, the schema decides, and every plan printed is valid', async () => {
  await writesNothing(async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...HOSTS), mutation, async (host, m) => {
      const mutated = mutate(inventory, m, strictEverywhere(INVENTORY_RECORDS));
      if (mutated === null) return;
      const text = serialize(mutated.doc);
      const path = await file('inventory.json', text);
      const verdict = checkSchema(inventorySchema, JSON.parse(text));
      if (mutated.certainlyInvalid) assert.equal(verdict.ok, false, `${JSON.stringify(m)} must be refused`);
      const r = await runCli('plan', '--inventory', path, '--host', host, '--facter', join(EXAMPLES, 'facter', `${host}.json`), '--json');
      sane(r, `plan after ${JSON.stringify(m).slice(0, 200)}`);
      if (!verdict.ok) {
        assert.equal(r.code, 1, r.stderr);
        const where = formatPath(mutated.path, JSON.parse(text));
        const problems: string[] = r.json().details?.problems ?? [];
        assert.ok(namesPath(problems, where), `${where} not named in ${problems.join(' | ')}`);
      } else if (r.code === 0) {
        const printed = checkSchema(storagePlan, r.json());
        assert.ok(printed.ok, `plan printed an invalid plan: ${printed.ok ? '' : printed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
      }
    }), { numRuns: runs(800), seed: SEED + 1 });
  });
});

test('fuzzed profiles files: plan --profiles never crashes and the schema decides', async () => {
  await writesNothing(async () => {
    await fc.assert(fc.asyncProperty(mutation, async (m) => {
      const mutated = mutate(profiles, m, strictEverywhere(/^$/));
      if (mutated === null) return;
      const text = serialize(mutated.doc);
      const path = await file('profiles.json', text);
      const verdict = checkSchema(profilesFile, JSON.parse(text));
      const r = await runCli('plan', '--profiles', path, '--inventory', join(EXAMPLES, 'inventory.json'), '--host', 'hetzner', '--facter', join(EXAMPLES, 'facter', 'hetzner.json'), '--json');
      sane(r, `plan --profiles after ${JSON.stringify(m).slice(0, 200)}`);
      if (!verdict.ok) assert.equal(r.code, 1, r.stderr);
      if (r.code === 0) assert.ok(checkSchema(storagePlan, r.json()).ok, 'plan printed an invalid plan');
    }), { numRuns: runs(400), seed: SEED + 2 });
  });
});

test('fuzzed facter reports: plan never crashes, errors name the file, every plan printed is valid', async () => {
  await writesNothing(async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...HOSTS), mutation, fc.boolean(), async (host, m, pinned) => {
      const mutated = mutate(facter.get(host)!, m, () => false);
      if (mutated === null) return;
      const path = await file('facter.json', serialize(mutated.doc));
      const argv = pinned
        ? ['plan', '--inventory', join(EXAMPLES, 'inventory.json'), '--host', host, '--facter', path, '--json']
        : ['plan', '--facter', path, '--json'];
      const r = await runCli(...argv);
      sane(r, `${argv.join(' ')} after ${JSON.stringify(m).slice(0, 200)}`);
      if (r.code === 1) assert.ok(r.stderr.includes(path) || /inventory/.test(r.stderr), r.stderr);
      if (r.code === 0) {
        const printed = checkSchema(storagePlan, r.json());
        assert.ok(printed.ok, `plan printed an invalid plan: ${printed.ok ? '' : printed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
      }
    }), { numRuns: runs(800), seed: SEED + 3 });
  });
});

const DAY = { calls: { put: 10, list: 2 }, bytesUp: 1e9, bytesDown: 0, bytesDeleted: 0, deletesOfUnknownSize: 0 };
const STATE_FILES: Record<string, Json> = {
  'backup-hetzner.json': {
    format: 'panther-backup-state', version: 1, host: 'hetzner', updated: '2027-01-01T04:00:00Z',
    lastRun: { startedAt: '2027-01-01T02:00:00Z', finishedAt: '2027-01-01T04:00:00Z', outcome: 'window-closed', message: 'closed', window: { open: false, kind: 'weekdays', opensAt: '2027-01-02T02:00:00Z', closesAt: '2027-01-02T05:00:00Z', nextOpensAt: '2027-01-03T02:00:00Z', remainingMs: 0 }, storedBytes: 800, bandwidth: { capBitsPerSecond: 1e7, bytes: 10, elapsedMs: 1000, bitsPerSecond: 80 } },
    subvolumes: {
      '@home': { lastRun: { at: '2027-01-01T02:10:00Z', outcome: 'complete', snapshot: '@home.x', reason: 'due', storedBytes: 800, streamBytes: 1000 }, lastComplete: { at: '2027-01-01T02:10:00Z', snapshot: '@home.x', point: 'p1', kind: 'full', streamBytes: 1000, storedBytes: 800 }, points: 1, inProgress: null },
      '@postgresql': { lastRun: null, lastComplete: null, points: null, inProgress: { snapshot: '@postgresql.x', kind: 'full', since: '2027-01-01T02:00:00Z', attempts: 1, storedBytes: 800, streamBytesReached: 1000, estimate: { totalBytes: 5000, source: 'in-progress', label: 'x' } } },
    },
  },
  'cost-hetzner.json': {
    version: 1, host: 'hetzner', days: { '2027-01-01': DAY }, months: { '2027-01': { ...DAY, runs: 1 } },
    runs: [{ kind: 'backup', started: '2027-01-01T02:00:00Z', finished: '2027-01-01T03:00:00Z', storedBytes: 5e9, storedObjects: 100, hiddenBytes: 0, bytesUp: 1e9, bytesDown: 0, calls: { put: 10 } }],
  },
};

test('fuzzed backup state and cost ledger files: backup status and cost never crash', async () => {
  const plan = join(dir, 'hetzner.plan.json');
  await fc.assert(fc.asyncProperty(fc.constantFrom(...Object.keys(STATE_FILES)), fc.option(mutation, { freq: 6 }), async (name, m) => {
    const mutated = m === null ? { doc: STATE_FILES[name]!, path: [] } : mutate(STATE_FILES[name]!, m, () => false);
    if (mutated === null) return;
    const state = join(dir, `in-${written++}-state`);
    await rm(state, { recursive: true, force: true });
    await mkdir(state);
    await writeFile(join(state, name), serialize(mutated.doc));
    const argv = name.startsWith('backup')
      ? ['backup', 'status', '--plan', plan, '--state-dir', state, '--now', '2027-01-02T12:00:00Z']
      : ['cost', '--plan', plan, '--state-dir', state, '--now', '2027-01-02T12:00:00Z'];
    const r = await runCli(...argv);
    sane(r, `${argv.slice(0, 2).join(' ')} after ${JSON.stringify(m).slice(0, 200)}`);
    if (m === null) assert.equal(r.code, 0, r.stderr);
    if (r.code === 1) assert.ok(r.stderr.includes(join(state, name)), r.stderr);
  }), { numRuns: runs(800), seed: SEED + 5 });
});

test('fuzzed plans through provision --dry-run on loop devices: no crash, nothing written', { skip: skipReason({ tools: ['losetup', 'blockdev', 'blkid'] }) }, async () => {
  let loops: LoopDevices | undefined;
  try {
    loops = await createLoopDevices([2048, 2048]);
    const [first, second] = loops.devices as [string, string];
    const before = await Promise.all(loops.images.map(async (image) => (await stat(image)).mtimeMs));
    await writesNothing(async () => {
      await fc.assert(fc.asyncProperty(fc.constantFrom(...HOSTS), fc.option(mutation, { freq: 4 }), async (host, m) => {
        const mutated = m === null ? { doc: plans.get(host)!, path: [], certainlyInvalid: false } : mutate(plans.get(host)!, m, strictEverywhere(PLAN_RECORDS));
        if (mutated === null) return;
        const text = serialize(mutated.doc);
        const path = await file('plan.json', text);
        const devices = host === 'zephyrus' ? ['--device', `primary=${first}`, '--device', `secondary=${second}`] : ['--device', `primary=${first}`];
        const r = await runCli('provision', '--plan', path, ...devices, '--root', join(dir, 'never-created'), '--dry-run', '--fit-to-device', '--json');
        sane(r, `provision --dry-run after ${JSON.stringify(m).slice(0, 200)}`);
        const verdict = checkSchema(storagePlan, JSON.parse(text));
        if (!verdict.ok) assert.equal(r.code, 1, r.stderr);
        if (m === null) assert.equal(r.code, 0, r.stderr);
      }), { numRuns: runs(120), seed: SEED + 4 });
    });
    const afterRun = await Promise.all(loops.images.map(async (image) => (await stat(image)).mtimeMs));
    assert.deepEqual(afterRun, before, 'the loop devices were not written');
  } finally {
    await loops?.dispose();
  }
});
