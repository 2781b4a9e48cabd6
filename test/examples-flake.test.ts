// examples/flake/ cannot go stale: every host's plan.json is byte for byte what `panther plan` writes
// today from examples/inventory.json and the host's facter report, its storage.nix what
// `panther render nixos` writes from that plan, and every Nix file in the example parses. (That the example evaluates, module by module, is test/nix-flake.test.ts.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { findNixInstantiate } from '../src/render/verify/nix-instantiate.ts';
import { runCli } from './support/cli.ts';

const ROOT = resolve(import.meta.dirname, '..');
const EXAMPLE = join(ROOT, 'examples/flake');
const HOSTS = ['zephyrus', 'yoga', 'hetzner', 'contabo', 'ovh'];
/** The fleet's repository in the example (one bucket, a prefix per host inside it). */
const REPO = 's3://panther-fleet/hosts?region=eu-central-003&endpoint=https://s3.eu-central-003.backblazeb2.com';

let dir = '';
before(async () => { dir = await mkdtemp(join(tmpdir(), 'panther-example-flake-')); });
after(async () => { if (dir !== '') await rm(dir, { recursive: true, force: true }); });

describe('examples/flake/hosts/*/{plan.json,storage.nix} are what panther plan and render nixos write today', () => {
  test('one folder per host of the inventory and the two shared modules, nothing else', () => {
    assert.deepEqual(readdirSync(join(EXAMPLE, 'hosts')).sort(), [...HOSTS, 'common.nix', 'vps.nix'].sort());
  });
  for (const host of HOSTS) {
    test(host, async () => {
      const out = join(dir, `${host}.json`);
      const r = await runCli('plan', '--inventory', join(ROOT, 'examples/inventory.json'), '--host', host,
        '--facter', join(ROOT, 'examples/facter', `${host}.json`), '--out', out);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(join(EXAMPLE, 'hosts', host, 'plan.json'), 'utf8'), readFileSync(out, 'utf8'),
        `examples/flake/hosts/${host}/plan.json is stale: regenerate it with\n` +
        `  node src/cli/main.ts plan --inventory examples/inventory.json --host ${host} --facter examples/facter/${host}.json --out examples/flake/hosts/${host}/plan.json`);
    });
    test(`${host}: storage.nix is what panther render nixos writes from it`, async () => {
      // Rendered beside a copy of the plan: the host file names the plan by its path relative to itself.
      const hostDir = join(dir, host);
      await mkdir(hostDir);
      await copyFile(join(EXAMPLE, 'hosts', host, 'plan.json'), join(hostDir, 'plan.json'));
      const out = join(hostDir, 'storage.nix');
      const r = await runCli('render', 'nixos', '--plan', join(hostDir, 'plan.json'), '--repo', REPO, '--secrets-dir', '/run/agenix', '--out', out);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(join(EXAMPLE, 'hosts', host, 'storage.nix'), 'utf8'), readFileSync(out, 'utf8'),
        `examples/flake/hosts/${host}/storage.nix is stale: regenerate it with (in examples/flake)\n` +
        `  node ../../src/cli/main.ts render nixos --plan hosts/${host}/plan.json --repo '${REPO}' --secrets-dir /run/agenix --out hosts/${host}/storage.nix`);
    });
  }
});

function nixFiles(d: string): string[] {
  return readdirSync(d).flatMap((name) => {
    const path = join(d, name);
    return statSync(path).isDirectory() ? nixFiles(path) : name.endsWith('.nix') ? [path] : [];
  });
}

function parseNix(file: string, store: string): Promise<string | null> {
  return new Promise((done) => {
    execFile('nix-instantiate', ['--readonly-mode', '--parse', '--', file], {
      env: { ...process.env, NIX_REMOTE: `local?root=${store}`, LC_ALL: 'C' }, encoding: 'utf8', timeout: 30_000, shell: false,
    }, (error, _out, err) => done(error === null ? null : err.split('\n').filter((l) => l.startsWith('error')).join('\n') || String(error)));
  });
}

const skipParse = findNixInstantiate() === null
  ? (process.env['CI'] === 'true' ? false : 'nix-instantiate not found (apt-get install -y nix-bin)')
  : false;

describe('every Nix file of examples/flake parses', { skip: skipParse }, () => {
  test('flake.nix, secrets/secrets.nix, hosts/{common,vps}.nix, hosts/*/{default,storage}.nix', async () => {
    const files = nixFiles(EXAMPLE);
    const names = files.map((f) => relative(EXAMPLE, f)).sort();
    assert.deepEqual(names, ['flake.nix', 'hosts/common.nix', 'hosts/vps.nix', ...HOSTS.flatMap((h) => [`hosts/${h}/default.nix`, `hosts/${h}/storage.nix`]), 'secrets/secrets.nix'].sort());
    for (const file of files) assert.equal(await parseNix(file, dir), null, relative(ROOT, file));
  });
});
