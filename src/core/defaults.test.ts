import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { DEFAULT_HOST_LOCK, DEFAULT_PLAN, DEFAULT_REPO, DEFAULT_SCRATCH_DIR, DEFAULT_SERVE_ADMIN_TOKEN_FILE, DEFAULT_SERVE_READ_TOKEN_FILE, DEFAULT_STATE_DIR, VERSION } from './defaults.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

test('defaults: the version is package.json\'s', () => {
  assert.equal(VERSION, JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
});

// Help texts and hints may spell a default path out, but only one that core/defaults.ts has: a
// default changed there and not in a help text fails here.
test('defaults: every panther path written in src is one of the defaults (or inside one)', () => {
  const known = [DEFAULT_PLAN, DEFAULT_REPO, DEFAULT_STATE_DIR, DEFAULT_SCRATCH_DIR, DEFAULT_SERVE_READ_TOKEN_FILE, DEFAULT_SERVE_ADMIN_TOKEN_FILE, DEFAULT_HOST_LOCK, join(dirname(DEFAULT_HOST_LOCK), 'drill.lock'), join(dirname(DEFAULT_HOST_LOCK), 'backup.lock')];
  const stray: string[] = [];
  for (const file of sources(join(ROOT, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\/(?:var\/lib|etc|run)\/panther\/[A-Za-z0-9._/-]*[A-Za-z0-9_-]/g)) {
      if (!known.some((k) => m[0] === k || m[0].startsWith(`${k}/`))) stray.push(`${relative(ROOT, file)}: ${m[0]}`);
    }
  }
  assert.deepEqual(stray, []);
});
