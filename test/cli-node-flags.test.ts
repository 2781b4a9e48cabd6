// Node's flags for every run of panther (src/cli/node-flags.json): the executable's shebang passes
// them, the bundle keeps that shebang, the Nix wrapper passes the same ones (test/nix-flake.test.ts)
// and the bench measures with them (bench/tools/panther.ts). Run as an executable, through its
// shebang, the process Node starts has them.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { VERSION } from '../src/core/defaults.ts';
import { NODE_FLAGS } from '../bench/tools/panther.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'src/cli/panther.js');
const dir = mkdtempSync(join(tmpdir(), 'panther-node-flags-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('node-flags.json holds plain flags, and the young generation is one of them', () => {
  assert.ok(NODE_FLAGS.length > 0);
  for (const flag of NODE_FLAGS) assert.match(flag, /^--[a-z0-9-]+(=[0-9]+)?$/, 'the Nix wrapper splits its flags at spaces');
  assert.ok(NODE_FLAGS.includes('--max-semi-space-size=1'), 'docs/DECISIONS.md "Issue 16: a small young generation, …"');
});

test('the executable\'s shebang passes exactly those flags', () => {
  const first = readFileSync(BIN, 'utf8').split('\n', 1)[0];
  assert.equal(first, `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`);
});

test('run through its shebang, Node starts panther with the flags', () => {
  // A preload (NODE_OPTIONS --require) writes down the flags the process was started with.
  const seen = join(dir, 'exec-argv.json');
  const preload = join(dir, 'preload.cjs');
  writeFileSync(preload, `require('node:fs').writeFileSync(${JSON.stringify(seen)}, JSON.stringify(process.execArgv));\n`);
  const r = spawnSync(BIN, ['--version'], {
    encoding: 'utf8', timeout: 60_000,
    // The Node running the tests first on PATH: `env node` picks it.
    env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, NODE_OPTIONS: `--require ${preload}`, XDG_CACHE_HOME: join(dir, 'cache') },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), VERSION);
  const execArgv = JSON.parse(readFileSync(seen, 'utf8')) as string[];
  for (const flag of NODE_FLAGS) assert.ok(execArgv.includes(flag), `${flag} in ${execArgv.join(' ')}`);
});
