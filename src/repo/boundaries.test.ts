// repo/ rules beyond test/architecture.test.ts: backend/ stores named objects and knows nothing of
// packs or keys, so it imports only itself and core/; nothing in repo/ spawns processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const REPO = import.meta.dirname;
const SRC = resolve(REPO, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test('backend/ imports only backend/ and core/; repo/ never spawns or imports backup, snapshot, btrfs, cli', () => {
  const problems: string[] = [];
  for (const file of sources(REPO)) {
    const rel = relative(REPO, file);
    for (const match of readFileSync(file, 'utf8').matchAll(/^\s*import[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
      const spec = match[1]!;
      if (spec === 'node:child_process') problems.push(`${rel} imports node:child_process`);
      if (!spec.startsWith('.')) continue;
      const target = relative(SRC, resolve(dirname(file), spec));
      if (rel.startsWith('backend/') && !target.startsWith('repo/backend/') && !target.startsWith('core/')) problems.push(`${rel} imports ${spec}`);
      if (/^(backup|snapshot|btrfs|cli|server|provision)\//.test(target)) problems.push(`${rel} imports ${spec}`);
    }
  }
  assert.deepEqual(problems, []);
});
