// The executable (src/cli/panther.js) turns on Node's compile cache in a directory only this user
// can write: cached code runs without a question, so a directory someone else can write to would let
// them run code as whoever runs panther. A cache that cannot be used costs speed, never the command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'src/cli/panther.js');

/** `panther --help`: loads modules (every command's help) but touches nothing. */
function help(env: Record<string, string | undefined>): { status: number | null; stdout: string; stderr: string } {
  const clean = { ...process.env };
  delete clean['NODE_COMPILE_CACHE'];
  delete clean['NODE_DISABLE_COMPILE_CACHE'];
  return spawnSync(process.execPath, [BIN, '--help'], { env: { ...clean, ...env }, encoding: 'utf8', timeout: 60_000 });
}

function files(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name) : [];
}

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'panther-compile-cache-'));
  try { fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('panther keeps its compiled code under $XDG_CACHE_HOME/panther, private to the user', () => withDir((dir) => {
  const r = help({ XDG_CACHE_HOME: dir });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const cache = join(dir, 'panther', 'node-compile-cache');
  assert.ok(files(cache).length > 0, 'the first run wrote the cache');
  assert.equal(statSync(cache).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, 'panther')).mode & 0o777, 0o700);
  const again = help({ XDG_CACHE_HOME: dir });
  assert.deepEqual([again.status, again.stdout, again.stderr], [0, r.stdout, ''], 'a run from the cache answers the same');
}));

test('a cache directory others can write to, or that another user owns, is not used; the command still runs', { skip: process.getuid?.() !== 0 && 'chown needs root' }, () => {
  for (const spoil of [(d: string) => chmodSync(d, 0o777), (d: string) => chownSync(d, 65534, 65534)]) {
    withDir((dir) => {
      const cache = join(dir, 'panther', 'node-compile-cache');
      mkdirSync(cache, { recursive: true, mode: 0o700 });
      spoil(cache);
      const r = help({ XDG_CACHE_HOME: dir });
      assert.deepEqual([r.status, r.stderr], [0, '']);
      assert.deepEqual(files(cache), [], 'nothing cached there');
    });
  }
});

// The sandboxed units (serve, drills: ProtectSystem=strict) see /var/cache read-only.
test('a read-only cache directory is read, and writing to it fails silently', { skip: process.getuid?.() !== 0 && 'mount needs root' }, () => withDir((dir) => {
  const cache = join(dir, 'panther', 'node-compile-cache');
  mkdirSync(cache, { recursive: true, mode: 0o700 });
  const mount = spawnSync('mount', ['--bind', '-o', 'ro', cache, cache], { encoding: 'utf8' });
  assert.equal(mount.status, 0, mount.stderr);
  try {
    const r = help({ XDG_CACHE_HOME: dir });
    assert.deepEqual([r.status, r.stderr], [0, '']);
    assert.match(r.stdout, /^panther — /);
  } finally {
    spawnSync('umount', [cache]);
  }
  assert.deepEqual(files(cache), []);
}));

test('no usable cache directory (not creatable, or the cache disabled) costs nothing but speed', () => withDir((dir) => {
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  const blocked = help({ XDG_CACHE_HOME: file });
  assert.deepEqual([blocked.status, blocked.stderr], [0, ''], 'a cache path below a file');
  assert.match(blocked.stdout, /^panther — /);
  const disabled = help({ XDG_CACHE_HOME: dir, NODE_DISABLE_COMPILE_CACHE: '1' });
  assert.deepEqual([disabled.status, disabled.stderr], [0, '']);
  assert.ok(!existsSync(join(dir, 'panther')), 'NODE_DISABLE_COMPILE_CACHE is respected');
}));
