// The command registry is lazy: help, routing and `snapshot run` (every 15 minutes on Hetzner) load
// no S3 SDK, no dev-only S3 server and no PostgreSQL client, and nothing the CLI reaches through
// static imports needs a devDependency, so a production install (npm ci --omit=dev) runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { RECORDED_PLAN } from '../src/provision/recorded-plan.ts';
import { DEFAULT_PLAN } from '../src/cli/options.ts';
import { COMMANDS } from '../src/cli/commands/index.ts';
import { COMMAND_TABLE } from '../src/cli/commands/table.ts';
import { specPlan } from './support/plans.ts';
import { VERSION } from '../src/core/defaults.ts';

const ROOT = resolve(import.meta.dirname, '..');
const MAIN = join(ROOT, 'src/cli/main.ts');
/** The executable (package.json bin, the Nix wrapper): what users and timers start. */
const BIN = join(ROOT, 'src/cli/panther.js');
const HEAVY = ['/node_modules/@aws-sdk/', '/node_modules/fauxqs/', '/node_modules/pg/'];

function loadedBy(args: string[], entry = MAIN): { modules: string[]; status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'panther-lazy-'));
  try {
    const log = join(dir, 'modules.txt');
    const r = spawnSync(process.execPath, ['--import', join(ROOT, 'test/support/module-log.ts'), entry, ...args], {
      // The executable's compile cache goes to this test's directory, not the machine's.
      env: { ...process.env, PANTHER_MODULE_LOG: log, XDG_CACHE_HOME: dir }, encoding: 'utf8', timeout: 60_000,
    });
    return { modules: readFileSync(log, 'utf8').split('\n'), status: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const inSrc = (modules: string[]): string[] => modules.filter((m) => m.startsWith(`file://${ROOT}/src/`)).map((m) => m.slice(`file://${ROOT}/`.length));
const npmPackages = (modules: string[]): string[] => [...new Set(modules.filter((m) => m.includes('/node_modules/'))
  .map((m) => m.slice(m.lastIndexOf('/node_modules/') + '/node_modules/'.length).split('/')).map((p) => p[0]!.startsWith('@') ? `${p[0]}/${p[1]}` : p[0]!))].sort();

// Start-up is part of every command's cost (issue 16: at most 1.5× a bare `node -e 0`). Tests never
// assert times; they hold what start-up loads instead. The bounds are the measured counts plus a little.
test('panther --version answers from package.json before loading any other module, as main.ts does', () => {
  const { modules, status, stdout } = loadedBy(['--version'], BIN);
  assert.equal(status, 0);
  assert.equal(stdout, `${VERSION}\n`);
  assert.deepEqual(inSrc(modules), ['src/cli/panther.js']);
  assert.equal(loadedBy(['--version']).stdout, `${VERSION}\n`, 'node src/cli/main.ts --version says the same');
});

test('panther snapshot list loads its own command only and no npm package: not zod for a well-formed plan, no S3, web, database or metrics package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'panther-lazy-list-'));
  try {
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, JSON.stringify(specPlan('yoga')));
    const { modules, status, stdout } = loadedBy(['snapshot', 'list', '--plan', plan, '--root', dir], BIN);
    assert.equal(status, 0);
    assert.equal(stdout.trim(), 'no snapshots');
    assert.deepEqual(npmPackages(modules), [], 'no package: a well-formed plan and sidecars are read without zod');
    const src = inSrc(modules);
    assert.deepEqual(src.filter((m) => m.startsWith('src/cli/commands/') && !/\/(table|snapshot-list(\.meta)?)\.ts$/.test(m)), [], 'no other command\'s files');
    assert.ok(!src.includes('src/btrfs/index.ts'), 'not the btrfs barrel (send streams, partitions, mkfs)');
    assert.ok(!src.includes('src/cli/help.ts'), 'no help texts');
    for (const schema of ['src/plan/input-schema.ts', 'src/plan/schema.ts', 'src/core/schema.ts', 'src/snapshot/meta-schema.ts']) assert.ok(!src.includes(schema), `no zod schema (${schema})`);
    assert.ok(src.length <= 36, `snapshot list loaded ${src.length} source modules: ${src.join(' ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a plan that is not well-formed still gets the schema\'s words: zod is loaded to say what is wrong', () => {
  const dir = mkdtempSync(join(tmpdir(), 'panther-lazy-bad-'));
  try {
    const plan = join(dir, 'plan.json');
    const bad = specPlan('yoga');
    (bad.pools[0]!.subvolumes[0] as unknown as Record<string, unknown>)['cow'] = 'no';
    writeFileSync(plan, JSON.stringify(bad));
    const { modules, status, stderr } = loadedBy(['snapshot', 'list', '--plan', plan, '--root', dir], BIN);
    assert.equal(status, 1);
    assert.match(stderr, /pools\.primary\.subvolumes\[0\]\.cow: expected true or false, got "no"/);
    assert.deepEqual(npmPackages(modules), ['zod']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('opening a repository with an identity file, its points and its index loads no npm package (no age-encryption, no zod)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'panther-lazy-open-'));
  try {
    const { generateX25519Identity, identityToRecipient } = await import('age-encryption');
    const identity = await generateX25519Identity();
    const identityFile = join(dir, 'identity.txt');
    writeFileSync(identityFile, `# created: now\n${identity}\n`, { mode: 0o600 });
    const { initRepo } = await import('../src/backup/open.ts');
    const repo = await initRepo({ url: join(dir, 'repo'), host: 'h', recipients: [await identityToRecipient(identity)] });
    await repo.backup((async function* () { yield Buffer.alloc(4096, 1); })(), { subvolume: '@a', snapshot: { name: '@a.1', uuid: 'u', time: '2026-01-01T00:00:00Z' } });
    const script = join(dir, 'open.ts');
    writeFileSync(script, [
      `import { openRepo } from ${JSON.stringify(join(ROOT, 'src/backup/open.ts'))};`,
      `import { loadPoints } from ${JSON.stringify(join(ROOT, 'src/backup/points.ts'))};`,
      `const repo = await openRepo({ url: ${JSON.stringify(join(dir, 'repo'))}, host: 'h', identityFile: ${JSON.stringify(identityFile)} });`,
      'await repo.index();',
      'process.stdout.write(String((await loadPoints(repo)).length));',
    ].join('\n'));
    const { modules, status, stdout } = loadedBy([], script);
    assert.equal(status, 0);
    assert.equal(stdout, '1', 'the repository opened and its point was read');
    assert.deepEqual(npmPackages(modules), []);
    assert.deepEqual(inSrc(modules).filter((m) => /src\/repo\/(check|prune|restore)\/|repair-index/.test(m)), [], 'no check, prune, restore or repair code');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the command table routing reads and the help texts name the same commands, in order, with the same positionals', () => {
  assert.deepEqual(COMMAND_TABLE.map((e) => [e.name, e.positionals === true]), COMMANDS.map((c) => [c.name, c.positionals === true]));
});

test('snapshot list --help and --version load no command implementation and no npm package', () => {
  for (const args of [['snapshot', 'list', '--help'], ['--version']]) {
    const { modules, status } = loadedBy(args);
    assert.equal(status, 0);
    assert.deepEqual(modules.filter((m) => m.includes('/node_modules/')), [], `${args.join(' ')} loaded npm modules`);
    assert.deepEqual(modules.filter((m) => /\/src\/cli\/commands\/[^/]+(?<!\.meta)\.ts$/.test(m) && !m.endsWith('/index.ts') && !m.endsWith('/table.ts')), [], 'an implementation module was loaded');
  }
});

test('snapshot run loads its implementation but no S3 SDK, S3 server or PostgreSQL client', () => {
  const dir = mkdtempSync(join(tmpdir(), 'panther-lazy-plan-'));
  try {
    // A plan that fails validation still makes `snapshot run` load everything it imports statically.
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, '{}');
    const { modules, status } = loadedBy(['snapshot', 'run', '--plan', plan, '--root', dir, '--lock', join(dir, 'lock')]);
    assert.equal(status, 1);
    assert.ok(modules.some((m) => m.endsWith('/src/cli/commands/snapshot-run.ts')), 'the implementation ran');
    assert.ok(modules.some((m) => m.endsWith('/src/snapshot/engine.ts')), 'the engine was loaded');
    assert.deepEqual(modules.filter((m) => HEAVY.some((h) => m.includes(h))), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Relative and bare specifiers of a file's static, value-level imports and re-exports (not `import type`, not `import()`). */
function staticImports(text: string): string[] {
  const specs: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)([^'";]*?)\s*from\s+['"]([^'"]+)['"]/gm)) specs.push(m[2]!);
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) specs.push(m[1]!);
  return specs;
}

function packageOf(spec: string, from: string): string | null {
  if (spec.startsWith('node:')) return null;
  if (spec.startsWith('.')) {
    const abs = resolve(dirname(from), spec);
    const i = abs.indexOf('/node_modules/');
    if (i < 0) return null;
    const rest = abs.slice(i + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const parts = spec.split('/');
  return spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

test('nothing the CLI reaches through static imports needs a devDependency (a production install runs)', () => {
  const dev = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).devDependencies);
  const seen = new Set<string>();
  const problems: string[] = [];
  const visit = (file: string, via: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of staticImports(readFileSync(file, 'utf8'))) {
      const pkg = packageOf(spec, file);
      if (pkg !== null && dev.includes(pkg)) problems.push(`${file.slice(ROOT.length + 1)} imports ${spec} (devDependency ${pkg}), reached from ${via}`);
      if (spec.startsWith('.') && pkg === null) visit(resolve(dirname(file), spec), file.slice(ROOT.length + 1));
    }
  };
  visit(MAIN, 'main');
  // Each command's implementation is its own entry (the registry imports it when it runs). Only the
  // demo may need devDependencies: it runs a local S3 server (fauxqs) in place of B2.
  for (const name of readdirSync(join(ROOT, 'src/cli/commands'))) {
    if (!name.endsWith('.ts') || name.endsWith('.meta.ts') || name.endsWith('.test.ts') || name === 'index.ts' || name === 'demo.ts') continue;
    visit(join(ROOT, 'src/cli/commands', name), `src/cli/commands/${name}`);
  }
  assert.ok(seen.size > 100, `only ${seen.size} modules found: the import scan is broken`);
  assert.deepEqual(problems, []);
});

test('the demo is the one command that needs a devDependency, and the scan sees it', () => {
  const text = readFileSync(join(ROOT, 'src/demo/local-s3.ts'), 'utf8');
  assert.ok(staticImports(text).some((s) => packageOf(s, join(ROOT, 'src/demo/local-s3.ts')) === 'fauxqs'));
});

test('no command imports another command: shared flags and helpers live in src/cli/', () => {
  const dir = join(ROOT, 'src/cli/commands');
  const problems: string[] = [];
  // index.ts and table.ts are the registry: they import every command.
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts') && n !== 'index.ts' && n !== 'table.ts')) {
    const own = name.replace(/(\.meta)?\.ts$/, '');
    for (const m of readFileSync(join(dir, name), 'utf8').matchAll(/(?:from\s+|import\()\s*['"]\.\/([^'"]+)['"]/g)) {
      if (m[1] !== `${own}.meta.ts` && m[1] !== `${own}.ts`) problems.push(`${name} imports ./${m[1]}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the help texts name the plan where provision records it', () => {
  assert.equal(DEFAULT_PLAN, RECORDED_PLAN);
});
