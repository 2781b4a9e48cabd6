// The bundled CLI (scripts/bundle.ts, `npm run build`, what the Nix package runs) answers exactly as
// the sources do (src/cli/panther.js), finds what it reads beside its code (package.json, the web UI,
// uPlot, the chunking thread), and still loads only the command that runs. Built fresh into a
// directory of its own inside the package (chunks import npm packages from its node_modules).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { buildBundle, builtinsAsObjects, importCycle, relocate, ROOT, type Bundle } from '../scripts/bundle.ts';
import { snapshotName } from '../src/snapshot/naming.ts';
import { writeMeta, locate } from '../src/snapshot/store.ts';
import { VERSION } from '../src/core/defaults.ts';
import { specPlan } from './support/plans.ts';
import { serveUrl } from './support/serve-url.ts';
import { NODE_FLAGS } from '../bench/tools/panther.ts';

const SOURCE = join(ROOT, 'src/cli/panther.js');
let bundle: Bundle;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'panther-bundle-'));
  const outdir = mkdtempSync(join(ROOT, '.bundle-test-'));
  // Known before the build, so after() removes the directory whatever the build does.
  bundle = { outdir, entry: join(outdir, 'panther.js'), files: [] };
  // chunk-thread.ts as an entry too, so the worker test can reach HashedChunks in the bundle.
  bundle = await buildBundle(outdir, { entries: { 'chunk-thread': 'src/repo/writer/chunk-thread.ts' } });
});

after(() => {
  if (bundle !== undefined) rmSync(bundle.outdir, { recursive: true, force: true });
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

interface Ran { status: number | null; stdout: string; stderr: string }

function run(entry: string, args: string[], env: Record<string, string> = {}): Ran {
  // Each its own compile cache in the test's directory, not the machine's.
  const r = spawnSync(process.execPath, [entry, ...args], {
    env: { ...process.env, XDG_CACHE_HOME: join(dir, `cache-${basename(entry, '.js')}`), ...env }, encoding: 'utf8', timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Source and bundle, the same arguments: the same exit code and output. */
function same(args: string[], env: Record<string, string> = {}): Ran {
  const source = run(SOURCE, args, env);
  const bundled = run(bundle.entry, args, env);
  assert.deepEqual(bundled, source, `panther ${args.join(' ')}: the bundle answers as the sources do`);
  return bundled;
}

test('the build puts every file directly in its directory: the three programs, chunks beside them', () => {
  // The shebang passes Node's flags (src/cli/node-flags.json): the bundle's executable keeps it.
  assert.equal(readFileSync(bundle.entry, 'utf8').split('\n', 1)[0], readFileSync(SOURCE, 'utf8').split('\n', 1)[0]);
  for (const entry of ['panther.js', 'chunk-worker.js', 'drill-inner.js', 'chunk-thread.js']) assert.ok(bundle.files.includes(entry), entry);
  assert.ok(bundle.files.length > 20, 'commands are chunks of their own');
  assert.deepEqual(bundle.files.filter((f) => f.includes('/')), []);
  const code = readdirSync(bundle.outdir).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(bundle.outdir, f), 'utf8')).join('\n');
  assert.doesNotMatch(code, /from "node:/, 'builtins are read with process.getBuiltinModule, not imported');
  assert.doesNotMatch(code, /\/\/ .*node_modules\//, 'no npm module copied into the bundle (the demo\'s fauxqs paths stay imports)');
});

test('--version and --help answer as the sources do', () => {
  assert.equal(same(['--version']).stdout, `${VERSION}\n`);
  assert.match(same(['--help']).stdout, /^panther — /);
  same(['snapshot', '--help']);
  same(['frobnicate']);
});

test('snapshot list over a snapshot directory answers as the sources do, and loads no other command and no npm package', async () => {
  const plan = specPlan('yoga');
  const planFile = join(dir, 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  const root = join(dir, 'root');
  const subvolume = plan.pools.flatMap((p) => p.subvolumes).find((s) => s.snapshots !== null)!;
  const loc = locate(plan, root, subvolume.name);
  for (const time of ['2026-01-01T00:00:00Z', '2026-01-02T00:15:00Z']) {
    const name = snapshotName(subvolume.name, time);
    mkdirSync(join(loc.dir, name), { recursive: true });
    await writeMeta(loc.dir, {
      formatVersion: 1, name, host: plan.host, pool: loc.pool.name, subvolume: subvolume.name, time, origin: 'timeline', tiers: ['daily'],
      tags: ['t'], description: null, creator: 'root@panther', pinned: time.startsWith('2026-01-01'), holds: [], hooks: [], degraded: false,
      command: null, uuid: null, toolVersion: `panther ${VERSION}`,
    });
  }
  const args = ['snapshot', 'list', '--plan', planFile, '--root', root, '--lock', join(dir, 'host.lock')];
  const text = same(args);
  assert.equal(text.status, 0, text.stderr);
  assert.equal(text.stdout.trim().split('\n').length, 2, text.stdout);
  const json = same([...args, '--json']);
  assert.equal(JSON.parse(json.stdout).snapshots.length, 2);

  const log = join(dir, 'modules.txt');
  const r = spawnSync(process.execPath, ['--import', join(ROOT, 'test/support/module-log.ts'), bundle.entry, ...args], {
    env: { ...process.env, PANTHER_MODULE_LOG: log, XDG_CACHE_HOME: join(dir, 'cache-log') }, encoding: 'utf8', timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const loaded = readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file:'));
  const chunks = loaded.filter((u) => u.startsWith(pathToFileURL(bundle.outdir).href)).map((u) => u.slice(u.lastIndexOf('/') + 1));
  assert.deepEqual(loaded.filter((u) => !u.startsWith(pathToFileURL(bundle.outdir).href)), [], 'nothing from src/ or node_modules');
  const commandChunks = chunks.filter((c) => /^[a-z]+(-[a-z]+)*-[A-Z0-9]{8}\.js$/.test(c) && !c.startsWith('chunk-') && !c.startsWith('main-'));
  assert.deepEqual(commandChunks.map((c) => c.replace(/-[A-Z0-9]{8}\.js$/, '')), ['snapshot-list'], 'the command\'s own chunk only');
  const other = chunks.filter((c) => /(^|\/)(help|backup|restore|serve|drill|zod|schema)/.test(c));
  assert.deepEqual(other, []);
  assert.ok(chunks.length <= 20, `snapshot list loaded ${chunks.length} chunks: ${chunks.join(' ')}`);
});

test('the bundled snapshot list, with nothing to say on stderr, never creates process.stderr (a pipe\'s stream loads node:net)', () => {
  // The sources cannot hold this: node:util's ESM facade reads util.diff, whose colours ask stderr.
  const plan = join(dir, 'quiet-plan.json');
  writeFileSync(plan, JSON.stringify(specPlan('yoga')));
  const touched = (planFile: string): { status: number | null; log: string } => {
    const log = join(dir, 'stderr.txt');
    const r = spawnSync(process.execPath, ['--import', join(ROOT, 'test/support/stderr-trap.ts'), bundle.entry, 'snapshot', 'list', '--plan', planFile, '--root', join(dir, 'quiet')], {
      env: { ...process.env, PANTHER_STDERR_LOG: log, XDG_CACHE_HOME: join(dir, 'cache-quiet') }, encoding: 'utf8', timeout: 60_000,
    });
    return { status: r.status, log: readFileSync(log, 'utf8') };
  };
  assert.deepEqual(touched(plan), { status: 0, log: 'untouched' });
  assert.deepEqual(touched(join(dir, 'missing.json')), { status: 1, log: 'touched' }, 'an error is written there (the trap sees it)');
});

test('commands that need npm packages answer as the sources do: backup init (age-encryption), a plan zod refuses', () => {
  // A local repository each, with the same passphrase: the outputs differ only in the repository's
  // path and its random id.
  const passphrase = join(dir, 'passphrase');
  writeFileSync(passphrase, 'correct horse battery staple\n', { mode: 0o600 });
  const init = (entry: string, name: string): Ran => {
    const r = run(entry, ['backup', 'init', '--repo', join(dir, name), '--host', 'yoga', '--passphrase-file', passphrase, '--scrypt-log-n', '10']);
    const plain = (t: string): string => t.replaceAll(join(dir, name), 'REPO').replace(/\b[0-9a-f]{32}\b/g, 'ID');
    return { ...r, stdout: plain(r.stdout), stderr: plain(r.stderr) };
  };
  const source = init(SOURCE, 'repo-source');
  assert.equal(source.status, 0, source.stderr);
  assert.match(source.stdout, /^created repository ID for yoga at REPO/);
  assert.deepEqual(init(bundle.entry, 'repo-bundle'), source);
  const tree = (name: string): string[] => readdirSync(join(dir, name), { recursive: true }).map(String).sort();
  assert.deepEqual(tree('repo-bundle').length, tree('repo-source').length);
  // The repository the bundle wrote opens with the sources (same format, same passphrase).
  const status = run(SOURCE, ['backup', 'list', '--repo', join(dir, 'repo-bundle'), '--host', 'yoga', '--passphrase-file', passphrase]);
  assert.equal(status.status, 0, status.stderr);
  // A plan that is not well-formed: zod's words, in both.
  const bad = join(dir, 'bad-plan.json');
  const plan = specPlan('yoga');
  (plan.pools[0]!.subvolumes[0] as unknown as Record<string, unknown>)['cow'] = 'no';
  writeFileSync(bad, JSON.stringify(plan));
  const r = same(['snapshot', 'list', '--plan', bad, '--root', dir]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cow: expected true or false, got "no"/);
});

test('serve finds the web UI (src/web) and uPlot from the bundle and serves the same bytes', async () => {
  const plan = join(dir, 'serve-plan.json');
  writeFileSync(plan, JSON.stringify(specPlan('yoga')));
  const token = join(dir, 'read.token');
  writeFileSync(token, `${'ab'.repeat(32)}\n`, { mode: 0o600 });
  const child = spawn(process.execPath, [bundle.entry, 'serve', '--listen', '127.0.0.1:0', '--plan', plan, '--root', join(dir, 'serve-root'),
    '--state-dir', join(dir, 'serve-state'), '--lock', join(dir, 'serve.lock'), '--read-token-file', token], {
    stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache-serve') },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const announced = serveUrl(child, exited);
  try {
    const url = await announced.url;
    const get = async (path: string): Promise<Buffer> => {
      const res = await fetch(`${url}${path}`);
      assert.equal(res.status, 200, path);
      return Buffer.from(await res.arrayBuffer());
    };
    assert.deepEqual(await get('/'), readFileSync(join(ROOT, 'src/web/index.html')));
    assert.deepEqual(await get('/ui/app.js'), readFileSync(join(ROOT, 'src/web/app.js')));
    assert.deepEqual(await get('/ui/vendor/uplot.js'), readFileSync(join(ROOT, 'node_modules/uplot/dist/uPlot.esm.js')));
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, announced.stderr());
});

test('the bundled chunking thread cuts and hashes as the sources do (chunk-thread.ts starts dist/chunk-worker.js)', async () => {
  const code = readdirSync(bundle.outdir).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(bundle.outdir, f), 'utf8'));
  assert.equal(code.filter((c) => c.includes('new URL("./chunk-worker.js", import.meta.url)')).length, 1, 'chunk-thread.ts starts the bundled worker');
  const { HashedChunks } = await import('../src/repo/writer/chunk-thread.ts');
  const { HashedChunks: Bundled } = await import(pathToFileURL(join(bundle.outdir, 'chunk-thread.js')).href) as { HashedChunks: typeof HashedChunks };
  const { gearTable } = await import('../src/repo/chunker/gear.ts');
  const { SMALL_PARAMS } = await import('../src/repo/testing/repos.ts');
  const { pseudoRandom } = await import('../src/repo/testing/pseudo-random.ts');
  const init = { params: SMALL_PARAMS.chunker!, gear: gearTable(Buffer.alloc(32, 7)), chunkIdKey: Buffer.alloc(32, 9) };
  const data = pseudoRandom(6 * 1024 * 1024 + 5, 'bundle');
  const hash = async (Chunks: typeof HashedChunks, worker: 'always' | 'never'): Promise<string[]> => {
    const hashed = new Chunks((async function* () { for (let at = 0; at < data.length; at += 1 << 20) yield data.subarray(at, at + (1 << 20)); })(), init, { worker });
    const ids: string[] = [];
    for await (const { id } of hashed) ids.push(id.toString('hex'));
    return [...ids, hashed.sha256 ?? 'no digest'];
  };
  const want = await hash(HashedChunks, 'never');
  assert.ok(want.length > 10);
  assert.deepEqual(await hash(Bundled, 'always'), want);
});

test('the drill\'s inner process is a program of the bundle: namespace.ts starts dist/drill-inner.js, which answers as inner.ts', () => {
  const code = readdirSync(bundle.outdir).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(bundle.outdir, f), 'utf8'));
  assert.equal(code.filter((c) => c.includes('new URL("./drill-inner.js", import.meta.url)')).length, 1);
  const source = run(join(ROOT, 'src/drill/inner.ts'), []);
  assert.equal(source.status, 2);
  assert.deepEqual(run(join(bundle.outdir, 'drill-inner.js'), []), source);
});

test('the bench\'s panther-child runs from a bundle with Node\'s flags (what npm run bench measures): init, a backup from stdin, the same bytes back', async (t) => {
  // A bundle of its own: bench/ is not src/, and the shared bundle above holds the product's code only.
  const benchBundle = await buildBundle(mkdtempSync(join(ROOT, '.bundle-test-')), { entries: { 'panther-child': 'bench/panther-child.ts' } });
  t.after(() => rmSync(benchBundle.outdir, { recursive: true, force: true }));
  const { generateX25519Identity, identityToRecipient } = await import('age-encryption');
  const identity = await generateX25519Identity();
  const identityFile = join(dir, 'bench-identity.txt');
  writeFileSync(identityFile, `${identity}\n`, { mode: 0o600 });
  const repo = join(dir, 'bench-repo');
  mkdirSync(repo);
  const child = (args: string[], input?: Buffer) => spawnSync(process.execPath, [...NODE_FLAGS, join(benchBundle.outdir, 'panther-child.js'), ...args, '--repo', repo, '--host', 'bench'], {
    input, maxBuffer: 64 * 1024 * 1024, timeout: 120_000, env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache-bench-child') },
  });
  const init = child(['init', '--recipient', await identityToRecipient(identity)]);
  assert.equal(init.status, 0, init.stderr.toString());
  const data = Buffer.alloc(3 * 1024 * 1024 + 17);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  const backup = child(['backup-stdin', '--identity-file', identityFile, '--subvolume', '@s', '--name', 's'], data);
  assert.equal(backup.status, 0, backup.stderr.toString());
  const restored = child(['restore-stdout', '--identity-file', identityFile, '--point', 's']);
  assert.equal(restored.status, 0, restored.stderr.toString());
  assert.ok(restored.stdout.equals(data), 'the stream restored from the bundled child is the one backed up');
});

test('relocate: import.meta names the source file\'s place from the bundle; another program is its output; an unknown use is refused', () => {
  const file = join(ROOT, 'src/serve/web.ts');
  const out = join(ROOT, 'dist');
  const entries = new Map([[join(ROOT, 'src/serve/worker.js'), 'worker']]);
  assert.equal(relocate('f(import.meta.url)', file, out, entries), 'f(new URL("../src/serve/web.ts", import.meta.url).href)');
  assert.equal(relocate('new URL(\'../../package.json\', import.meta.url)', file, out, entries), 'new URL("../package.json", import.meta.url)');
  assert.equal(relocate('new URL("./worker.js", import.meta.url)', file, out, entries), 'new URL("./worker.js", import.meta.url)');
  assert.equal(relocate('#!/usr/bin/env node\nx(import.meta.dirname)', file, out, entries),
    '#!/usr/bin/env node\nimport { resolve as __pantherResolve } from \'node:path\';\nx(__pantherResolve(import.meta.dirname, "../src/serve"))');
  assert.equal(relocate('if (import.meta.main) import.meta.resolve(\'zod\')', file, out, entries), 'if (false) import.meta.resolve(\'zod\')', 'only a program is main');
  assert.equal(relocate('if (import.meta.main) f()', join(ROOT, 'src/serve/worker.js'), out, entries), 'if (import.meta.main) f()');
  assert.throws(() => relocate('import.meta.resolve(\'./x.ts\')', file, out, entries), /teach scripts\/bundle\.ts/);
  assert.throws(() => relocate('import.meta.hot', file, out, entries), /teach scripts\/bundle\.ts/);
});

test('importCycle: a cycle of static imports is found (the builtins would be read too late), dynamic ones are not cycles', () => {
  const meta = (imports: Record<string, Array<[string, string]>>): Metafile => ({
    inputs: Object.fromEntries(Object.entries(imports).map(([f, is]) => [f, { bytes: 0, imports: is.map(([path, kind]) => ({ path, kind: kind as never })) }])), outputs: {},
  });
  assert.equal(importCycle(meta({ a: [['b', 'import-statement']], b: [['c', 'import-statement']], c: [] })), null);
  assert.equal(importCycle(meta({ a: [['b', 'import-statement']], b: [['a', 'dynamic-import']] })), null);
  assert.deepEqual(importCycle(meta({ a: [['b', 'import-statement']], b: [['c', 'import-statement']], c: [['b', 'import-statement']] })), ['b', 'c', 'b']);
});

test('builtinsAsObjects: value imports of node: modules become getBuiltinModule reads; type-only names and imports vanish', () => {
  assert.equal(builtinsAsObjects('import { a, type B, c as d } from \'node:fs\';\nimport x from "node:assert/strict";\nimport * as p from \'node:path\';'),
    'const { a, c: d } = process.getBuiltinModule("node:fs");\nconst x = process.getBuiltinModule("node:assert/strict");\nconst p = process.getBuiltinModule("node:path");');
  assert.equal(builtinsAsObjects('import { type FileHandle } from \'node:fs/promises\';\nimport type { Stats } from \'node:fs\';\nimport { z } from \'zod\';'),
    '\nimport type { Stats } from \'node:fs\';\nimport { z } from \'zod\';');
});
